// Graph API errors in Meta's envelope (§5.7): {"error":{message,type,code,error_subcode?,
// is_transient?,fbtrace_id}}, usually with HTTP 400. Clients branch on code/subcode, so these are
// the values the real API returns for the same situations.
import { newFbTraceId } from './ids.ts';

export type GraphHost = 'instagram' | 'facebook';

export interface GraphErrorFields {
  status?: number;
  code: number;
  subcode?: number;
  message?: string;
  type?: string;
  transient?: boolean;
}

export class GraphError extends Error {
  readonly status: number;
  readonly code: number;
  readonly subcode: number | undefined;
  readonly type: string;
  readonly transient: boolean | undefined;
  /** Sent as `Retry-After` (fault injection of throttling answers). */
  retryAfterSeconds: number | undefined;

  constructor(fields: GraphErrorFields) {
    super(fields.message ?? `(#${fields.code}) Simulated Graph API error`);
    this.status = fields.status ?? 400;
    this.code = fields.code;
    this.subcode = fields.subcode;
    this.type = fields.type ?? 'OAuthException';
    this.transient = fields.transient;
  }

  toJSON() {
    return {
      error: {
        message: this.message,
        type: this.type,
        code: this.code,
        ...(this.subcode === undefined ? {} : { error_subcode: this.subcode }),
        ...(this.transient === undefined ? {} : { is_transient: this.transient }),
        fbtrace_id: newFbTraceId(),
      },
    };
  }
}

/** graph.instagram.com reports most errors as IGApiException; graph.facebook.com as GraphMethodException. */
const methodErrorType = (host: GraphHost) =>
  host === 'instagram' ? 'IGApiException' : 'GraphMethodException';

export const invalidToken = () =>
  new GraphError({ code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });

/** 190/463: the token was valid but its expiry time (on the simulator's clock) has passed. */
export const expiredToken = (expiresAt: number) =>
  new GraphError({
    code: 190,
    subcode: 463,
    message: `Error validating access token: Session has expired on ${new Date(expiresAt).toUTCString()}.`,
  });

export const unexpectedError = (status = 500) =>
  new GraphError({
    status,
    code: 2,
    message: 'An unexpected error has occurred. Please retry your request later.',
    transient: true,
  });

export const unsupportedRequest = (host: GraphHost, method: string, objectId: string) =>
  new GraphError({
    code: 100,
    subcode: 33,
    type: methodErrorType(host),
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  });

export const invalidParameter = (message: string) =>
  new GraphError({ code: 100, message: `(#100) ${message}` });

export const nonexistingField = (host: GraphHost, field: string, nodeType: string) =>
  new GraphError({
    code: 100,
    type: methodErrorType(host),
    message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`,
  });

export const consentRequired = (host: GraphHost) =>
  new GraphError({
    code: 230,
    type: methodErrorType(host),
    message: '(#230) User consent is required to access user profile',
  });

export const noMatchingUser = () =>
  new GraphError({ code: 9010, type: 'IGApiException', message: 'No matching Instagram user' });

/** 613/2534040: a per-account limit of §5.6 (Send API, Conversations API) is used up. */
export const rateLimited = () =>
  new GraphError({
    code: 613,
    subcode: 2534040,
    message: '(#613) Calls to this api have exceeded the rate limit.',
  });
