// The reasons a procedure's own work can answer (server/errors.ts), for the API reference
// (docs/api/). What every procedure of an access level can answer (no token, not a member, not an
// admin), invalid input, a bad cursor and an unavailable database are added there from the
// procedure itself; this lists the rest, by path. A procedure may also state them in its router
// with `.meta({ errors })`. The reference refuses to be made while a path here names no procedure.
import type { ErrorReason } from '../errors.ts';

const SENDING: ErrorReason[] = [
  'not_found',
  'bad_input',
  'window_closed',
  'account_needs_reconnect',
  'idempotency_key_reused',
  'conflict',
];
const META_CALL: ErrorReason[] = ['not_found', 'account_needs_reconnect', 'unprocessable'];

export const PROCEDURE_ERRORS: Readonly<Record<string, readonly ErrorReason[]>> = {
  'inbox.conversation': ['not_found'],
  'inbox.update': ['not_found', 'bad_input'],
  'inbox.markRead': ['not_found'],
  'sync.changes': ['invalid_cursor'],
  'messages.send': SENDING,
  'messages.retry': ['not_found', 'conflict'],
  'messages.resolveUncertain': ['not_found', 'conflict'],
  'messages.react': ['not_found', 'window_closed', 'unprocessable'],
  'messages.typing': ['not_found'],
  'comments.replyPublicly': [...SENDING, 'unprocessable'],
  'comments.replyPrivately': [...SENDING, 'unprocessable'],
  'comments.hide': META_CALL,
  'comments.delete': META_CALL,
  'accounts.disconnect': ['not_found'],
  'settings.messengerProfile': META_CALL,
  'settings.publishMessengerProfile': META_CALL,
  'history.start': ['not_found', 'account_needs_reconnect'],
  'history.reconcile': ['not_found', 'account_needs_reconnect'],
  'privacy.exportContact': ['not_found'],
  'privacy.eraseContact': ['not_found'],
  'team.revokeInvitation': ['not_found', 'conflict'],
  'team.removeMember': ['not_found', 'conflict'],
  'team.changeRole': ['not_found', 'conflict'],
  'team.invitation': ['not_found', 'conflict'],
  'team.acceptInvitation': ['not_found', 'conflict'],
};
