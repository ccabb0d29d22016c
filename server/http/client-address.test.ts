// The address the sign-in throttle keys on: the connection's by default, the trusted proxies'
// account of it with TRUST_PROXY, and never one the client wrote itself.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ADDRESS_HEADER, recordClientAddress, resolveClientAddress } from './client-address.ts';

describe('resolveClientAddress', () => {
  it('takes the connection’s address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(resolveClientAddress('203.0.113.7', '198.51.100.1', 0)).toBe('203.0.113.7');
    expect(resolveClientAddress('::ffff:203.0.113.7', undefined, 0)).toBe('203.0.113.7');
    expect(resolveClientAddress('2001:db8::1', undefined, 0)).toBe('2001:db8::1');
  });

  it('counts trusted hops from the right, so entries a client prepends are ignored', () => {
    // The client sent "X-Forwarded-For: 1.1.1.1"; the load balancer appended what it saw.
    expect(resolveClientAddress('10.0.0.2', '1.1.1.1, 203.0.113.7', 1)).toBe('203.0.113.7');
    // A CDN, then a load balancer.
    expect(resolveClientAddress('10.0.0.2', '1.1.1.1, 203.0.113.7, 172.16.0.9', 2)).toBe('203.0.113.7');
    // Node joins repeated headers; an array is read the same way.
    expect(resolveClientAddress('10.0.0.2', ['1.1.1.1', '203.0.113.7'], 1)).toBe('203.0.113.7');
  });

  it('takes the furthest entry when a request came through fewer proxies than trusted', () => {
    expect(resolveClientAddress('10.0.0.2', '203.0.113.7', 3)).toBe('203.0.113.7');
  });

  it('falls back to the connection when the trusted entry is not an address', () => {
    expect(resolveClientAddress('10.0.0.2', 'evil, not-an-ip', 1)).toBe('10.0.0.2');
    expect(resolveClientAddress(undefined, undefined, 0)).toBeNull();
  });
});

describe('recording the address', () => {
  let url: string;
  const server = createServer((req, res) => {
    recordClientAddress(req, 0);
    res.end(String(req.headers[CLIENT_ADDRESS_HEADER] ?? ''));
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const recorded = (headers: Record<string, string>) =>
    new Promise<string>((resolve, reject) => {
      request(url, { headers }, (response) => {
        let body = '';
        response.on('data', (chunk) => {
          body += chunk;
        });
        response.on('end', () => resolve(body));
      })
        .on('error', reject)
        .end();
    });

  it('replaces an address the client claims with the connection’s', async () => {
    expect(
      await recorded({ [CLIENT_ADDRESS_HEADER]: '198.51.100.1', 'X-Forwarded-For': '198.51.100.2' }),
    ).toBe('127.0.0.1');
  });
});
