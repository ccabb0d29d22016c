// GET /api/docs/auth: signing in, tokens, errors and live events for client developers
// (docs/api/auth.md).
import { apiDocsResponse } from '#app/lib/api-docs.server.ts';

export const loader = () => apiDocsResponse('auth');
