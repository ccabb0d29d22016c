// The floor for the ingest benchmark: a bare Node HTTP server that reads the body, checks the
// signature exactly as the app does, and answers 200 without storing anything.
import { createServer } from 'node:http';
import { checkWebhookSignature } from '#server/meta/webhook-signature.ts';

const secret = process.env.BENCH_SECRET ?? '';
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const check = checkWebhookSignature(Buffer.concat(chunks), req.headers['x-hub-signature-256'] as string, [
      secret,
    ]);
    res.writeHead(check.valid ? 200 : 403, { 'Content-Type': 'application/json' });
    res.end(check.valid ? '{"received":true}' : '{"error":"bad signature"}');
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
