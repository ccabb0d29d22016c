// How the audit log names a contact: a short one-way tag of the workspace and the contact's id,
// the same for every action on them (an export and a later erasure line up), which neither holds
// the id nor anything else about them, so their erasure leaves nothing behind in the log.
import { createHash } from 'node:crypto';

export function contactRef(workspaceId: string, igsid: string): string {
  return `contact ${createHash('sha256').update(`${workspaceId}:${igsid}`).digest('hex').slice(0, 12)}`;
}
