// The privacy slice: one contact's data exported (a subject access request) or erased everywhere
// the workspace holds it, by an admin or through Meta's data-deletion callback.
// Other code imports only this file (see docs/architecture.md).
export { type ErasureSummary, eraseContact, eraseContactEverywhere } from './erase-contact.ts';
export { exportContact } from './export-contact.ts';
export { messagesCsv } from './messages-csv.ts';
export { ContactExportSchema, ContactInput } from './privacy.schemas.ts';
