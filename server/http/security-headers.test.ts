import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers.ts';

const hosted = { appUrl: 'https://inbox.example.com', supabaseUrl: 'https://abc.supabase.co' };
const local = { appUrl: 'http://127.0.0.1:3000', supabaseUrl: 'http://127.0.0.1:54321' };

describe('securityHeaders', () => {
  it('asks browsers to keep to https only when the app is served over https', () => {
    expect(securityHeaders(hosted)('n')['Strict-Transport-Security']).toBe(
      'max-age=31536000; includeSubDomains',
    );
    expect(securityHeaders(hosted)('n')['Content-Security-Policy']).toContain('upgrade-insecure-requests');
    expect(securityHeaders(local)('n')['Strict-Transport-Security']).toBeUndefined();
    expect(securityHeaders(local)('n')['Content-Security-Policy']).not.toContain('upgrade-insecure-requests');
  });

  it('lets pages reach Supabase Auth and Realtime on their scheme, and load http media only off TLS', () => {
    const hostedPolicy = securityHeaders(hosted)('n')['Content-Security-Policy'];
    expect(hostedPolicy).toContain("connect-src 'self' https://abc.supabase.co wss://abc.supabase.co;");
    expect(hostedPolicy).toContain("img-src 'self' data: blob: https:;");
    const localPolicy = securityHeaders(local)('n')['Content-Security-Policy'];
    expect(localPolicy).toContain("connect-src 'self' http://127.0.0.1:54321 ws://127.0.0.1:54321;");
    expect(localPolicy).toContain("img-src 'self' data: blob: https: http:;");
  });

  it('runs only scripts carrying the response’s nonce', () => {
    expect(securityHeaders(hosted)('abc==')['Content-Security-Policy']).toContain(
      "script-src 'self' 'nonce-abc=='",
    );
  });
});
