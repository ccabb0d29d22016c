// The production server writes a streamed response body with Remix's writeReadableStreamToWritable,
// which the project patches (patches/@remix-run+node+*.patch): as published it wrote every chunk
// without waiting for the client, so a 100k-row export to a slow client sat whole in the server's
// memory, and one whose client had gone was still read to the end. These hold the patch in place.
import { Writable } from 'node:stream';
import { writeReadableStreamToWritable } from '@remix-run/node';
import { describe, expect, it } from 'vitest';

const CHUNK = 64;

/** A body of `chunks` chunks that counts how many were pulled, and whether it was cancelled. */
function countedBody(chunks: number) {
  const seen = { pulls: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        seen.pulls++;
        controller.enqueue(new Uint8Array(CHUNK));
        if (seen.pulls === chunks) controller.close();
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, seen };
}

/** A client that takes a chunk only when told to: its buffer is full after one. */
function slowClient() {
  const waiting: (() => void)[] = [];
  const client = new Writable({
    highWaterMark: CHUNK,
    write(_chunk, _encoding, taken) {
      waiting.push(() => taken());
    },
  });
  return { client, takeOne: () => waiting.shift()?.() };
}

/** Lets every promise the writer has in flight settle (its loop runs on promises alone). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('writeReadableStreamToWritable (patched)', () => {
  it('reads the next chunk only once the client has taken the last one', async () => {
    const { body, seen } = countedBody(20);
    const { client, takeOne } = slowClient();
    const writing = writeReadableStreamToWritable(body, client);
    await settle();
    expect(seen.pulls).toBe(1);
    for (let taken = 1; taken < 20; taken++) {
      takeOne();
      await settle();
      expect(seen.pulls).toBe(taken + 1);
    }
    takeOne();
    await writing;
    expect(client.writableEnded).toBe(true);
  });

  it('cancels the body, without reading it to the end, when the client goes away', async () => {
    const { body, seen } = countedBody(1000);
    const { client, takeOne } = slowClient();
    const writing = writeReadableStreamToWritable(body, client);
    await settle();
    takeOne();
    await settle();
    client.destroy();
    await writing;
    expect(seen.cancelled).toBe(true);
    expect(seen.pulls).toBeLessThanOrEqual(3);
  });
});
