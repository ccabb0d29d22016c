import { describe, expect, it } from 'vitest';
import { healthWindow } from './health-window.ts';

describe('healthWindow', () => {
  it('the last hour is 60 whole minutes, the last one holding now', () => {
    expect(healthWindow('hour', new Date('2026-11-20T10:30:20.500Z'))).toEqual({
      from: new Date('2026-11-20T09:31:00Z'),
      to: new Date('2026-11-20T10:31:00Z'),
      bucketSeconds: 60,
    });
  });

  it('the last day is 24 whole hours, the last one holding now', () => {
    expect(healthWindow('day', new Date('2026-11-20T10:30:20Z'))).toEqual({
      from: new Date('2026-11-19T11:00:00Z'),
      to: new Date('2026-11-20T11:00:00Z'),
      bucketSeconds: 3600,
    });
  });

  it('a moment on a boundary opens the next bucket', () => {
    expect(healthWindow('hour', new Date('2026-11-20T10:31:00Z'))).toMatchObject({
      from: new Date('2026-11-20T09:32:00Z'),
      to: new Date('2026-11-20T10:32:00Z'),
    });
  });
});
