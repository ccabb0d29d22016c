// The body of a form action, or 400. request.formData() throws a TypeError on a body that is not a
// form (none at all, JSON, text, a broken multipart), which Remix answered with 500; a page's form
// always sends one of the two form encodings, so anything else is the client's mistake.
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];
const NOT_A_FORM = 'Send this form as application/x-www-form-urlencoded or multipart/form-data.';

// A thrown Response, not data(): Remix logs a thrown data() as a server error, and this is none.
const badRequest = (message: string) =>
  new Response(message, { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });

export async function readForm(request: Request): Promise<FormData> {
  const mediaType = request.headers.get('Content-Type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!FORM_TYPES.includes(mediaType)) throw badRequest(NOT_A_FORM);
  try {
    return await request.formData();
  } catch {
    throw badRequest(`The form could not be read. ${NOT_A_FORM}`);
  }
}
