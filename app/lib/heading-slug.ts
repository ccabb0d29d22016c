// The anchor of a Markdown heading, as GitHub makes it, so that links inside docs/api/*.md work
// both where the files are read as Markdown and in the app's HTML rendering of them (/api/docs).
export function headingSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}
