// Which push services a process can use, from its environment: an unconfigured one is skipped
// with one log line naming what to set, never an error; the real services are the defaults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newVapidKeys } from '#dev/push/credentials.ts';
import { type PushStandIn, startPushStandIn } from '#dev/push/stand-in.ts';
import { CONFIGURATION_POINTING_NOWHERE } from '#dev/test/env.ts';
import { parseEnv } from '../../env.ts';
import { createPushSenders } from './create-senders.ts';

const base = CONFIGURATION_POINTING_NOWHERE;

let standIn: PushStandIn;
beforeAll(async () => {
  standIn = await startPushStandIn();
});
afterAll(async () => {
  await standIn?.stop();
});

describe('createPushSenders', () => {
  it('without credentials: Expo only, each other provider said once to be skipped, and why', async () => {
    const lines: string[] = [];
    const senders = createPushSenders(parseEnv(base), (line) => lines.push(line));
    expect(senders.get('expo')?.platform).toBe('expo');
    for (const platform of ['fcm', 'apns', 'web'] as const) expect(senders.get(platform)).toBeUndefined();
    expect(senders.missing('apns')).toMatch(/PUSH_APNS_KEY_ID/);
    expect(senders.missing('apns')).toMatch(/PUSH_APNS_KEY_ID/);
    expect(senders.missing('web')).toMatch(/PUSH_VAPID_PUBLIC_KEY/);
    expect(lines).toEqual([
      expect.stringMatching(/^push: apns notifications are skipped: PUSH_APNS_KEY_ID/),
      expect.stringMatching(/^push: web notifications are skipped: PUSH_VAPID_PUBLIC_KEY/),
    ]);
    expect(senders.vapidPublicKey).toBeNull();
    await senders.close();
  });

  it('with the stand-in’s environment: all four, and the VAPID public key for browsers', async () => {
    const vapid = newVapidKeys();
    const senders = createPushSenders(parseEnv({ ...base, ...standIn.env(vapid) }), () => {});
    expect(['expo', 'fcm', 'apns', 'web'].map((p) => senders.get(p as 'expo')?.platform)).toEqual([
      'expo',
      'fcm',
      'apns',
      'web',
    ]);
    expect(senders.vapidPublicKey).toBe(vapid.publicKey);
    await senders.close();
  });

  it('a service account key given as base64 works; one that is not a key is skipped, not a crash', async () => {
    const json = standIn.env().PUSH_FCM_SERVICE_ACCOUNT as string;
    const encoded = createPushSenders(
      parseEnv({ ...base, PUSH_FCM_SERVICE_ACCOUNT: Buffer.from(json).toString('base64') }),
      () => {},
    );
    expect(encoded.get('fcm')?.platform).toBe('fcm');
    const lines: string[] = [];
    const broken = createPushSenders(
      parseEnv({ ...base, PUSH_FCM_SERVICE_ACCOUNT: '{"type":"nope"}' }),
      (l) => lines.push(l),
    );
    expect(broken.get('fcm')).toBeUndefined();
    broken.missing('fcm');
    expect(lines).toEqual([
      'push: fcm notifications are skipped: PUSH_FCM_SERVICE_ACCOUNT is not a service account JSON key',
    ]);
  });
});

describe('push settings in the environment', () => {
  it('default to the real services', () => {
    expect(parseEnv(base)).toMatchObject({
      PUSH_EXPO_URL: 'https://exp.host',
      PUSH_FCM_URL: 'https://fcm.googleapis.com',
      PUSH_FCM_TOKEN_URL: 'https://oauth2.googleapis.com/token',
      PUSH_APNS_URL: 'https://api.push.apple.com',
    });
  });

  it('take a PEM key with \\n for its line breaks, as one-line secret stores give it', () => {
    const pem = standIn.credentials.apns.privateKeyPem;
    const env = parseEnv({ ...base, PUSH_APNS_PRIVATE_KEY: pem.replaceAll('\n', '\\n') });
    expect(env.PUSH_APNS_PRIVATE_KEY).toBe(pem);
  });

  it('refuse a push service URL that is not http(s), and an allow-list entry that is not an origin', () => {
    expect(() => parseEnv({ ...base, PUSH_APNS_URL: 'file:///etc/passwd' })).toThrow(/PUSH_APNS_URL/);
    expect(() => parseEnv({ ...base, PUSH_WEB_ENDPOINT_ORIGINS: 'https://ok.example,ftp://x' })).toThrow(
      /PUSH_WEB_ENDPOINT_ORIGINS "ftp:\/\/x" must be an origin/,
    );
  });
});
