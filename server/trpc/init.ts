import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { findMembership } from '../team/index.ts';
import type { Context } from './context.ts';
import { asAppError, toTRPCError } from './errors.ts';

interface Issue {
  path: PropertyKey[];
  message: string;
  code?: string;
}

function validationIssues(cause: unknown): Issue[] | null {
  if (typeof cause === 'object' && cause !== null && 'issues' in cause && Array.isArray(cause.issues)) {
    return cause.issues as Issue[];
  }
  return null;
}

/**
 * Server-sent events (the live stream): a ping while nothing happens, because mobile networks and
 * proxies drop a quiet connection; and the client told to reconnect when even pings stop coming
 * (a dead connection the phone has not noticed).
 */
export const LIVE_PING_MS = 15_000;
const LIVE_RECONNECT_AFTER_SILENCE_MS = 45_000;

const t = initTRPC.context<Context>().create({
  sse: {
    ping: { enabled: true, intervalMs: LIVE_PING_MS },
    client: { reconnectAfterInactivityMs: LIVE_RECONNECT_AFTER_SILENCE_MS },
  },
  errorFormatter({ shape, error }) {
    const issues = error.code === 'BAD_REQUEST' ? validationIssues(error.cause) : null;
    return {
      ...shape,
      // Mobile clients show these next to the offending field.
      data: {
        ...shape.data,
        issues:
          issues?.map((i) => ({ path: i.path.map(String), message: i.message, code: i.code ?? null })) ??
          null,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Domain errors thrown anywhere below become their tRPC equivalent. */
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const appError = asAppError(result.error.cause);
    if (appError) throw toTRPCError(appError);
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapAppErrors);

export const operatorProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.auth.status === 'signed-in') return next({ ctx: { ...ctx, actor: ctx.auth.actor } });
  if (ctx.auth.status === 'rejected') throw toTRPCError(ctx.auth.error);
  throw new TRPCError({
    code: 'UNAUTHORIZED',
    message: 'Sign in first: no session cookie or bearer token was sent',
  });
});

/** Procedures scoped to one workspace: the caller must be a member (404 otherwise, not an empty result). */
export const workspaceProcedure = operatorProcedure
  .input(z.object({ workspaceId: z.uuid() }))
  .use(async ({ ctx, input, next }) => {
    const membership = await ctx.db.withUser(ctx.actor, (trx) =>
      findMembership(trx, input.workspaceId, ctx.actor.userId),
    );
    if (!membership) throw new TRPCError({ code: 'NOT_FOUND', message: 'Workspace not found' });
    return next({ ctx: { ...ctx, workspace: membership } });
  });

/** Workspace procedures reserved for owners and admins. */
export const workspaceAdminProcedure = workspaceProcedure.use(({ ctx, next }) => {
  if (ctx.workspace.role === 'agent') {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only workspace owners and admins can do this' });
  }
  return next();
});
