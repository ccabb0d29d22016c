// Server only (actions): supabase-js stays out of the pages' JavaScript.
// What a sign-in or sign-up form says when Supabase Auth refuses: the form's message for a known
// code, else Auth's own. Auth that cannot be reached or fails (a 5xx; locally, its database away)
// comes back from supabase-js with the message "{}": that is a 503 to try again shortly, and the
// form says so instead of showing "{}".
import { type AuthError, isAuthRetryableFetchError } from '@supabase/supabase-js';
import { RETRY_AFTER_SECONDS } from '#server/errors.ts';

export interface AuthFormError {
  status: number;
  message: string;
  retryAfter?: string;
}

/** The form's answer while the app's own throttle (server/auth/sign-in-throttle.ts) holds it back. */
export function tooManyAttempts(what: string, waitSeconds: number): AuthFormError {
  const minutes = Math.ceil(waitSeconds / 60);
  return {
    status: 429,
    message: `Too many ${what}. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`,
    retryAfter: String(waitSeconds),
  };
}

export function authFormError(error: AuthError, messages: Record<string, string>): AuthFormError {
  if (isAuthRetryableFetchError(error)) {
    return {
      status: 503,
      message: 'The sign-in service is temporarily unavailable. Try again in a few seconds.',
      retryAfter: String(RETRY_AFTER_SECONDS),
    };
  }
  return { status: 400, message: (error.code && messages[error.code]) || error.message };
}

/**
 * A document POST (a form sent without JavaScript) takes its response headers from the route's
 * `headers` export, not the action's: the action's Retry-After is passed on here.
 */
export function retryAfterHeaders({ actionHeaders }: { actionHeaders: Headers }): HeadersInit {
  const retryAfter = actionHeaders.get('Retry-After');
  return retryAfter ? { 'Retry-After': retryAfter } : {};
}
