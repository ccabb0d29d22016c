// GET /api/docs: the API reference, generated from the router (docs/api/reference.md).
import { apiDocsResponse } from '#app/lib/api-docs.server.ts';

export const loader = () => apiDocsResponse('reference');
