import { initTRPC } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { z } from 'zod';
import { requireLiveSession } from '../auth/live-session.ts';
import { AppError, type ErrorReason } from '../errors.ts';
import { checkWorkspaceAccess } from '../team/index.ts';
import type { Context } from './context.ts';
import { asAppError, toTRPCError } from './errors.ts';

const SIGNED_IN: ErrorReason[] = [
  'token_missing',
  'token_malformed',
  'token_invalid',
  'token_expired',
  'session_ended',
];

/**
 * Who may call a procedure, set once on the base procedures below (so a router states it by the
 * builder it picks), and the refusals that checking it can answer; the API reference (docs/api/)
 * reads both.
 */
export const ACCESS_LEVELS = {
  public: { description: 'Anyone: no token needed.', errors: [] },
  operator: {
    description: 'A signed-in operator (a valid access token of a live session).',
    errors: SIGNED_IN,
  },
  member: {
    description:
      'A member of the workspace named by `workspaceId`, whatever their role (owner, admin or agent).',
    errors: [...SIGNED_IN, 'not_a_member'],
  },
  admin: {
    description: 'An owner or admin of the workspace named by `workspaceId`.',
    errors: [...SIGNED_IN, 'not_a_member', 'role_required'],
  },
} as const satisfies Record<string, { description: string; errors: readonly ErrorReason[] }>;

export type AccessLevel = keyof typeof ACCESS_LEVELS;

export interface ProcedureMeta {
  access: AccessLevel;
  /** For the API reference; without it the procedure's JSDoc in its router is used. */
  description?: string;
  /** Reasons the procedure itself can answer, beyond those of its access level and input. */
  errors?: ErrorReason[];
}

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

/** The reason of an error that is not a domain error (and not invalid input): tRPC's own. */
const TRPC_REASONS: Record<TRPC_ERROR_CODE_KEY, ErrorReason> = {
  PARSE_ERROR: 'bad_request',
  BAD_REQUEST: 'bad_request',
  METHOD_NOT_SUPPORTED: 'bad_request',
  UNSUPPORTED_MEDIA_TYPE: 'bad_request',
  CLIENT_CLOSED_REQUEST: 'bad_request',
  UNAUTHORIZED: 'token_invalid',
  PAYMENT_REQUIRED: 'forbidden',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'unknown_procedure',
  CONFLICT: 'conflict',
  PRECONDITION_FAILED: 'conflict',
  PRECONDITION_REQUIRED: 'conflict',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  UNPROCESSABLE_CONTENT: 'unprocessable',
  TOO_MANY_REQUESTS: 'unavailable',
  TIMEOUT: 'unavailable',
  INTERNAL_SERVER_ERROR: 'internal',
  NOT_IMPLEMENTED: 'internal',
  BAD_GATEWAY: 'unavailable',
  SERVICE_UNAVAILABLE: 'unavailable',
  GATEWAY_TIMEOUT: 'unavailable',
};

/**
 * Server-sent events (the live stream): a ping while nothing happens, because mobile networks and
 * proxies drop a quiet connection; and the client told to reconnect when even pings stop coming
 * (a dead connection the phone has not noticed).
 */
export const LIVE_PING_MS = 15_000;
const LIVE_RECONNECT_AFTER_SILENCE_MS = 45_000;

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    sse: {
      ping: { enabled: true, intervalMs: LIVE_PING_MS },
      client: { reconnectAfterInactivityMs: LIVE_RECONNECT_AFTER_SILENCE_MS },
    },
    errorFormatter({ shape, error }) {
      const issues = error.code === 'BAD_REQUEST' ? validationIssues(error.cause) : null;
      const reason: ErrorReason =
        asAppError(error)?.reason ?? (issues ? 'validation' : TRPC_REASONS[error.code]);
      return {
        ...shape,
        data: {
          ...shape.data,
          // Programs branch on this (server/errors.ts lists them), never on the message.
          reason,
          // Mobile clients show these next to the offending field.
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

export const publicProcedure = t.procedure.meta({ access: 'public' }).use(mapAppErrors);

/**
 * A caller whose access token is verified. Whether its session is still live is checked by the
 * procedure kinds below, each in one query with what else it needs (decision 028).
 */
const signedInProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.auth.status === 'signed-in') return next({ ctx: { ...ctx, actor: ctx.auth.actor } });
  if (ctx.auth.status === 'rejected') throw toTRPCError(ctx.auth.error);
  throw new AppError('UNAUTHENTICATED', 'Sign in first: no session cookie or bearer token was sent', {
    reason: 'token_missing',
  });
});

export const operatorProcedure = signedInProcedure.meta({ access: 'operator' }).use(async ({ ctx, next }) => {
  await requireLiveSession(ctx.services.sessions, ctx.actor);
  return next();
});

/**
 * Procedures scoped to one workspace: the caller must be a member (404 otherwise, not an empty
 * result). The session and the membership are checked in one query.
 */
export const workspaceProcedure = signedInProcedure
  .meta({ access: 'member' })
  .input(z.object({ workspaceId: z.uuid() }))
  .use(async ({ ctx, input, next }) => {
    const workspace = await checkWorkspaceAccess(ctx.db, ctx.actor, input.workspaceId);
    return next({ ctx: { ...ctx, workspace } });
  });

/** Workspace procedures reserved for owners and admins. */
export const workspaceAdminProcedure = workspaceProcedure.meta({ access: 'admin' }).use(({ ctx, next }) => {
  if (ctx.workspace.role === 'agent') {
    throw new AppError('FORBIDDEN', 'Only workspace owners and admins can do this', {
      reason: 'role_required',
    });
  }
  return next();
});
