// GET /api/reference.json: the API reference as data (docs/api/reference.json, generated from the
// router): every procedure's access, errors, and input and output as TypeScript and JSON Schema.
import reference from '../../docs/api/reference.json';

export const loader = () => Response.json(reference, { headers: { 'Cache-Control': 'public, max-age=300' } });
