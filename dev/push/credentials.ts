// The credentials the push stand-in plays the providers with, and the app is configured with:
// an FCM service account (RSA), an APNs .p8 key (P-256), and the app's VAPID key pair. The
// stand-in checks the app's signatures with their public halves, as the real services do.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import webpush from 'web-push';

export interface FcmCredentials {
  projectId: string;
  clientEmail: string;
  privateKeyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface ApnsCredentials {
  keyId: string;
  teamId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

export interface PushCredentials {
  fcm: FcmCredentials;
  apns: ApnsCredentials;
}

export function newPushCredentials(): PushCredentials {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    fcm: {
      projectId: 'inbox-local',
      clientEmail: 'push-sender@inbox-local.iam.gserviceaccount.com',
      privateKeyId: randomBytes(20).toString('hex'),
      privateKeyPem: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKeyPem: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
    apns: {
      keyId: 'LOCALKEY01',
      teamId: 'LOCALTEAM1',
      privateKeyPem: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKeyPem: ec.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
  };
}

/** The app's VAPID key pair (the app, not the push service, owns it). */
export function newVapidKeys(subject = 'mailto:push@inbox.local'): VapidKeys {
  const { publicKey, privateKey } = webpush.generateVAPIDKeys();
  return { publicKey, privateKey, subject };
}

/** The service account key as Google's console downloads it. */
export function serviceAccountJson(fcm: FcmCredentials): string {
  return JSON.stringify({
    type: 'service_account',
    project_id: fcm.projectId,
    private_key_id: fcm.privateKeyId,
    private_key: fcm.privateKeyPem,
    client_email: fcm.clientEmail,
    client_id: '100000000000000000001',
    token_uri: 'https://oauth2.googleapis.com/token',
  });
}
