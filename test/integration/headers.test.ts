import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, register } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

/** Security headers on the page, the API, the docs and uploads, over HTTP and HTTPS. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { rateRules: relaxedLimits });
});
afterAll(async () => {
  await server.close();
});

/** `default-src 'self'; img-src 'self' blob:` → { 'default-src': ["'self'"], 'img-src': [...] } */
function parseCsp(header: string | null): Record<string, string[]> {
  expect(header, 'Content-Security-Policy').toBeTruthy();
  return Object.fromEntries(
    header!
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

function expectAppPolicy(headers: Headers) {
  const csp = parseCsp(headers.get('content-security-policy'));
  expect(csp).toEqual({
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'blob:'],
    'media-src': ["'self'", 'blob:'],
    'connect-src': ["'self'"],
    'font-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  });
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
  const permissions = headers.get('permissions-policy')!;
  for (const feature of ['camera=()', 'microphone=()', 'geolocation=()', 'payment=()', 'fullscreen=(self)']) {
    expect(permissions).toContain(feature);
  }
}

describe('security headers', () => {
  it('puts a strict policy on the page, which has no inline script', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expectAppPolicy(page.headers);
    const html = await page.text();
    // Every script is a file ('self'); inline ones would be blocked.
    for (const script of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)) {
      expect(script[0], 'script without src').toMatch(/\ssrc=/);
      expect(script[1]!.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
  });

  it('puts the same headers on API answers, successes and problems alike', async () => {
    const config = await fetch(`${server.url}/api/config`);
    expect(config.status).toBe(200);
    expectAppPolicy(config.headers);
    const problem = await postJson(`${server.url}/api/auth/login`, { username: 'x' });
    expect(problem.status).toBe(400);
    expectAppPolicy(problem.headers);
    const missing = await fetch(`${server.url}/no/such/page`);
    expect(missing.status).toBe(404);
    expectAppPolicy(missing.headers);
    const forged = await postJson(
      `${server.url}/api/auth/guest`,
      { username: 'x' },
      { origin: 'https://evil.example' },
    );
    expect(forged.status).toBe(403);
    expectAppPolicy(forged.headers);
  });

  it('keeps the sandboxing policy on uploads', async () => {
    const { token } = await register(server.url);
    const form = new FormData();
    form.append('file', new Blob(['<script>alert(1)</script>'], { type: 'text/html' }), 'page.html');
    const upload = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const { attachment } = await upload.json();
    const file = await fetch(`${server.url}${attachment.url}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(file.headers.get('x-frame-options')).toBe('DENY');
  });

  it('gives the API documentation its own policy, still with no inline script and no framing', async () => {
    const docs = await fetch(`${server.url}/api/docs/`);
    expect(docs.status).toBe(200);
    const csp = parseCsp(docs.headers.get('content-security-policy'));
    expect(csp['script-src']).toEqual(["'self'"]);
    // Swagger UI adds <style> elements; the page shows only Parley's own OpenAPI document.
    expect(csp['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp['img-src']).toEqual(["'self'", 'data:']);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
  });

  it('sends no HSTS over plain HTTP, whatever an untrusted X-Forwarded-Proto says', async () => {
    expect((await fetch(`${server.url}/`)).headers.get('strict-transport-security')).toBeNull();
    const spoofed = await fetch(`${server.url}/`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(spoofed.headers.get('strict-transport-security')).toBeNull();
  });

  it('sends HSTS when the request came over HTTPS through a trusted proxy', async () => {
    const proxied = await startTestServer({ trustProxy: true }, { rateRules: relaxedLimits });
    try {
      const https = await fetch(`${proxied.url}/api/config`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      const http = await fetch(`${proxied.url}/api/config`, { headers: { 'x-forwarded-proto': 'http' } });
      expect(http.headers.get('strict-transport-security')).toBeNull();
    } finally {
      await proxied.close();
    }
  });
});
