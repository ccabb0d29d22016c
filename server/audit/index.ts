// The audit slice: what owners, admins and the server did to a workspace's data and team.
// Other code imports only this file (see docs/architecture.md).

export { type AuditAction, type AuditEntry, recordAudit, recordOwnAudit } from './audit.repository.ts';
export { AuditPageInput, AuditPageSchema } from './audit.schemas.ts';
export { contactRef } from './contact-ref.ts';
export { listAudit } from './list-audit-events.ts';
