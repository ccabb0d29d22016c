// Counts the records of a CSV download as its bytes arrive, for the export's progress bar. A
// record ends at a line feed outside quotes: a quoted cell may hold line breaks of its own, and
// an escaped quote ("") toggles twice, so it changes nothing. Both bytes are ASCII, which no
// other UTF-8 character's bytes contain, so a character split across chunks cannot mislead it.

const QUOTE = 0x22;
const LINE_FEED = 0x0a;

/** A counter to feed every chunk in order; each call returns the records completed so far. */
export function csvRecordCounter(): (chunk: Uint8Array) => number {
  let quoted = false;
  let records = 0;
  return (chunk) => {
    for (const byte of chunk) {
      if (byte === QUOTE) quoted = !quoted;
      else if (byte === LINE_FEED && !quoted) records++;
    }
    return records;
  };
}
