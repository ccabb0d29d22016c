import { randomUUID } from 'node:crypto';
import type { ActionFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { authenticateApiCaller } from '#app/lib/auth.server.ts';
import { services } from '#app/lib/services.server.ts';
import { AppError, type ErrorReason, errorHeaders, toAppError } from '#server/errors.ts';
import {
  AttachmentTypeSchema,
  IdempotencyKeySchema,
  sendToRecipient,
  toOutboundDto,
} from '#server/sending/index.ts';

const SendRequestSchema = z.object({
  recipientId: z.string().trim().min(1, 'recipientId is required').max(64),
  message: z.string().max(5000).default(''),
  attachmentUrl: z.string().max(4096).optional(),
  attachmentType: AttachmentTypeSchema.optional(),
  accountId: z.string().trim().min(1).max(64).optional(),
  workspaceId: z.uuid().optional(),
  idempotencyKey: IdempotencyKeySchema.optional(),
});
const IdempotencyKeyHeader = IdempotencyKeySchema.nullable();

const NO_STORE = { 'Cache-Control': 'no-store' };

/** `reason` is for programs (server/errors.ts lists them), `error` for people. */
function fail(status: number, error: string, reason: ErrorReason, headers: Record<string, string> = {}) {
  return Response.json({ success: false, error, reason }, { status, headers: { ...NO_STORE, ...headers } });
}

const refuse = (error: AppError) => fail(error.status, error.message, error.reason, errorHeaders(error));

/**
 * `{recipientId, message, attachmentUrl?}` → `{"success":true,"messageId":…}` once Meta took it
 * (200), or while it is still on its way (202, follow `messageId`); a refusal by Meta is 422 with
 * the reason. Repeating a request with the same `Idempotency-Key` never sends twice.
 */
export async function action({ request }: ActionFunctionArgs) {
  const headers = new Headers(NO_STORE);
  // The session store being away (a 503) is answered in this endpoint's shape, like every error.
  // No token, or a refused one (expired, session ended…), is a 401 that says which.
  const actor = await authenticateApiCaller(request, headers).catch(
    (caught: unknown) => toAppError(caught) ?? Promise.reject(caught),
  );
  if (actor instanceof AppError) return refuse(actor);
  // A browser form cannot send JSON cross-site without CORS, so cookie sessions are safe here.
  const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return fail(415, 'Send the request as application/json', 'bad_request');
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return fail(400, 'The body is not valid JSON', 'bad_request');
  }
  const parsed = SendRequestSchema.safeParse(body);
  if (!parsed.success) {
    return fail(
      400,
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
      'validation',
    );
  }
  const header = IdempotencyKeyHeader.safeParse(request.headers.get('idempotency-key'));
  if (!header.success) {
    return fail(400, 'Idempotency-Key must be 8 to 100 letters, digits or _ . : -', 'validation');
  }
  const { idempotencyKey, ...input } = parsed.data;
  try {
    const result = await sendToRecipient(services, actor, {
      ...input,
      idempotencyKey: header.data ?? idempotencyKey ?? randomUUID(),
    });
    const [first] = result.parts;
    const failed = result.parts.find((part) => part.status === 'FAILED');
    const status = result.status === 'SENT' ? 200 : failed ? 422 : 202;
    return Response.json(
      {
        success: !failed,
        messageId: first?.id,
        status: result.status,
        ...(failed ? { error: failed.errorMessage, errorCode: failed.errorCode } : {}),
        messages: result.parts.map(toOutboundDto),
      },
      { status, headers },
    );
  } catch (caught) {
    const error = toAppError(caught);
    if (!error) throw caught;
    return refuse(error);
  }
}
