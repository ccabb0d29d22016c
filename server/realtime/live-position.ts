// Where a reader of the live log stands, as the opaque id clients hand back (`lastEventId`,
// `sync.changes`'s `since`). A position is a transaction snapshot (`xmin:xmax:xip,…`, Postgres's
// pg_snapshot text): the events after it are those of transactions it had not seen committed.
// Within a batch of events read up to a later snapshot, a position is also the batch's end and the
// last event taken, so a long batch resumes exactly where it stopped.

import { AppError } from '../errors.ts';

export interface LivePosition {
  /** Every transaction this snapshot saw committed is behind the reader. */
  seen: string;
  /** Mid-batch: the batch's snapshot, and the last event taken (`xid`, `seq`) in it. */
  batch?: { upTo: string; xid: string; seq: string };
}

const VERSION = 'l1';
/** Postgres's text form of a pg_snapshot; the in-progress list is bounded by the connection count. */
const SNAPSHOT = /^(\d{1,19}):(\d{1,19}):((?:\d{1,19},){0,999}\d{1,19})?$/;
const XID = /^\d{1,19}$/;
const SEQ = /^\d{1,18}$/;
/** Long enough for a snapshot with a thousand transactions in progress, twice. */
export const LIVE_POSITION_MAX_LENGTH = 64_000;

/** The refusal of a position this API did not hand out (`field` names the input). */
export const invalidPosition = (field: string) =>
  new AppError('BAD_INPUT', `${field} is not a position this API returned`, { reason: 'invalid_cursor' });

/** As Postgres accepts it: 0 < xmin <= xmax, in-progress ids ascending within [xmin, xmax). */
function validSnapshot(text: string): boolean {
  const match = SNAPSHOT.exec(text);
  if (!match) return false;
  const xmin = BigInt(match[1] as string);
  const xmax = BigInt(match[2] as string);
  const inProgress = match[3] ? match[3].split(',').map(BigInt) : [];
  return (
    xmin > 0n &&
    xmin <= xmax &&
    inProgress.every(
      (xid, i) => xid >= xmin && xid < xmax && (i === 0 || xid > (inProgress[i - 1] as bigint)),
    )
  );
}

export function encodeLivePosition(position: LivePosition): string {
  const parts = [VERSION, position.seen];
  if (position.batch) parts.push(position.batch.upTo, position.batch.xid, position.batch.seq);
  return Buffer.from(parts.join('|')).toString('base64url');
}

/** The position an id stands for; anything this API did not hand out is bad input (`invalid_cursor`). */
export function decodeLivePosition(id: string, field: string): LivePosition {
  const parts = Buffer.from(id, 'base64url').toString('utf8').split('|');
  const [version, seen, upTo, xid, seq] = parts;
  const ok =
    version === VERSION &&
    seen !== undefined &&
    validSnapshot(seen) &&
    (parts.length === 2 ||
      (parts.length === 5 &&
        upTo !== undefined &&
        validSnapshot(upTo) &&
        XID.test(xid ?? '') &&
        SEQ.test(seq ?? '')));
  if (!ok) throw invalidPosition(field);
  return parts.length === 5
    ? { seen: seen as string, batch: { upTo: upTo as string, xid: xid as string, seq: seq as string } }
    : { seen: seen as string };
}
