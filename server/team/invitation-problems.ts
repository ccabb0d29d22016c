// Why an invitation link cannot be used, worded once for the invite page and the API alike. Each
// says what to do next: only an admin of the workspace can make a new link.
import { AppError, type AppErrorCode } from '../errors.ts';

export type InvitationProblem = 'invalid' | 'accepted' | 'revoked' | 'expired';

export const INVITATION_PROBLEMS: Record<
  InvitationProblem,
  { code: AppErrorCode; title: string; message: string }
> = {
  invalid: {
    code: 'NOT_FOUND',
    title: 'This invitation link is not valid',
    message: 'Check that you opened the whole link, or ask a workspace admin to send you a new one.',
  },
  accepted: {
    code: 'CONFLICT',
    title: 'This invitation has already been used',
    message: 'Each invitation link works once. Ask a workspace admin to send you a new one.',
  },
  revoked: {
    code: 'CONFLICT',
    title: 'This invitation was withdrawn',
    message: 'An admin of the workspace revoked this link. Ask them for a new one if you should join.',
  },
  expired: {
    code: 'CONFLICT',
    title: 'This invitation has expired',
    message: 'Invitation links work for 7 days. Ask a workspace admin to send you a new one.',
  },
};

export function invitationError(problem: InvitationProblem): AppError {
  const { code, title, message } = INVITATION_PROBLEMS[problem];
  return new AppError(code, `${title}. ${message}`);
}
