// Hands content made in the browser to its downloads, as a file of that name.

/** Long enough for the browser to start reading the file before its object URL goes. */
const KEEP_FILE_URL_MS = 60_000;

export function saveFile(parts: BlobPart[], filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), KEEP_FILE_URL_MS);
}
