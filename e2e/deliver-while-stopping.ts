// A webhook delivery caught in flight by a stop signal: the server has the request (it answered
// 100 Continue) when it is told to stop, and the body arrives once it no longer accepts
// connections. A server that stops well still answers it.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { signWebhookBody } from '#server/meta/webhook-signature.ts';

/** True once nothing accepts connections on the port any more. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** Delivers a signed, empty webhook to the server on `port`, calling `stop` mid-request; the status. */
export function deliverWhileStopping(port: number, appSecret: string, stop: () => void): Promise<number> {
  const body = JSON.stringify({
    object: 'instagram',
    entry: [{ id: '17841400000000999', time: Date.now(), messaging: [] }],
  });
  return new Promise<number>((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/instagram/webhook',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          'X-Hub-Signature-256': signWebhookBody(body, appSecret),
          // The server answers 100 Continue once it has the request: then it is in flight.
          Expect: '100-continue',
        },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.once('error', reject);
    request.once('continue', async () => {
      stop();
      while (!(await refused(port))) await new Promise((r) => setTimeout(r, 20));
      request.end(body);
    });
    request.flushHeaders();
  });
}
