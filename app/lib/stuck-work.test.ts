import { describe, expect, it } from 'vitest';
import { describeStuckWork, type StuckJobs } from './stuck-work.ts';

const calm: StuckJobs[] = [
  { kind: 'receiving', jobs: 0, abandoned: 0, oldestSeconds: null },
  { kind: 'sending', jobs: 0, abandoned: 0, oldestSeconds: null },
  { kind: 'contacts', jobs: 0, abandoned: 0, oldestSeconds: null },
];
const withStuck = (changes: Partial<Record<StuckJobs['kind'], Partial<StuckJobs>>>) =>
  calm.map((k) => ({ ...k, ...changes[k.kind] }));

describe('describeStuckWork', () => {
  it('says nothing alarming when nothing is stuck', () => {
    expect(describeStuckWork(calm)).toBeNull();
  });

  it('names the work held up, how long the oldest job has waited, and the likely cause', () => {
    const work = describeStuckWork(withStuck({ sending: { jobs: 12, oldestSeconds: 240 } }));
    expect(work).toEqual({
      headline: '12 background jobs waiting for up to 4 min — is the worker process running?',
      rows: [
        {
          kind: 'sending',
          work: 'Sending replies',
          jobs: '12',
          waiting: '4 min',
          holdsUp: 'Replies, reactions and seen marks are not going out.',
        },
      ],
    });
  });

  it('adds the kinds up under the oldest wait, and tells jobs a stopped worker left apart', () => {
    const work = describeStuckWork(
      withStuck({
        receiving: { jobs: 1, abandoned: 1, oldestSeconds: 45 },
        contacts: { jobs: 2, oldestSeconds: 7200 },
      }),
    );
    expect(work?.headline).toBe('3 background jobs waiting for up to 2 h — is the worker process running?');
    expect(work?.rows.map((row) => [row.work, row.jobs, row.waiting])).toEqual([
      ['Receiving messages', '1 (1 left by a stopped worker)', '45 s'],
      ['Contact profiles', '2', '2 h'],
    ]);
    expect(describeStuckWork(withStuck({ contacts: { jobs: 1, oldestSeconds: 31 } }))?.headline).toBe(
      '1 background job waiting for up to 31 s — is the worker process running?',
    );
  });
});
