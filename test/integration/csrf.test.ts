import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, register, uniqueName } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Cross-site request forgery: what a browser on another site (or a sibling subdomain, which
 * SameSite=Lax does not stop) would send with the victim's cookie. Node's fetch lets the test
 * set Origin and Sec-Fetch-Site as such a browser would.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(
    { allowedOrigins: ['https://chat.example.com'] },
    { rateRules: relaxedLimits },
  );
});
afterAll(async () => {
  await server.close();
});

const EVIL = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };

async function cookieSession() {
  const res = await postJson(`${server.url}/api/auth/register`, {
    username: uniqueName('victim'),
    password: 'long enough pw',
  });
  expect(res.status).toBe(201);
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, token: res.body.token as string };
}

const me = async (cookie: string) => (await fetch(`${server.url}/api/me`, { headers: { cookie } })).status;

async function uploadCount(): Promise<number> {
  const row = await server.parley.database.db
    .selectFrom('uploads')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function uploadForm() {
  const form = new FormData();
  form.append('file', new Blob(['forged\n'], { type: 'text/plain' }), 'note.txt');
  return form;
}

describe('cross-site requests with the session cookie', () => {
  it('refuses the cross-site text/plain logout, and the session lives on', async () => {
    const { cookie } = await cookieSession();
    const res = await fetch(`${server.url}/api/auth/logout`, {
      method: 'POST',
      headers: { ...EVIL, cookie, 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 403, code: 'forbidden', detail: /cross-site/ });
    expect(await me(cookie)).toBe(200);
  });

  it('refuses the cross-site multipart upload and stores nothing', async () => {
    const { cookie } = await cookieSession();
    const before = await uploadCount();
    const res = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      headers: { ...EVIL, cookie },
      body: uploadForm(),
    });
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('forbidden');
    expect(await uploadCount()).toBe(before);
    expect(await me(cookie)).toBe(200);
  });

  it('refuses a foreign Origin, an opaque one, and Sec-Fetch-Site cross-site or same-site without Origin', async () => {
    const { cookie } = await cookieSession();
    const forged: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: 'https://chat.example.com.evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of forged) {
      const res = await postJson(
        `${server.url}/api/auth/password`,
        { currentPassword: 'long enough pw', newPassword: 'taken over pw' },
        { ...headers, cookie },
      );
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
    expect(await me(cookie)).toBe(200);
  });

  it('refuses forged sign-ups, guest sign-ins and logins (login CSRF)', async () => {
    const name = uniqueName('planted');
    await register(server.url, name);
    for (const [path, body] of [
      ['/api/auth/login', { username: name, password: 'correct horse battery' }],
      ['/api/auth/register', { username: uniqueName(), password: 'long enough pw' }],
      ['/api/auth/guest', { username: uniqueName('guest') }],
    ] as const) {
      const res = await postJson(`${server.url}${path}`, body, EVIL);
      expect(res.status, path).toBe(403);
      expect(res.headers.get('set-cookie'), path).toBeNull();
    }
  });
});

describe('requests that are not forged', () => {
  it('accepts same-origin requests: the logout works', async () => {
    const { cookie } = await cookieSession();
    const res = await fetch(`${server.url}/api/auth/logout`, {
      method: 'POST',
      headers: { origin: server.url, 'sec-fetch-site': 'same-origin', cookie },
    });
    expect(res.status).toBe(204);
    expect(await me(cookie)).toBe(401);
  });

  it('accepts an origin from ALLOWED_ORIGINS, even from a sibling site', async () => {
    const { cookie } = await cookieSession();
    const before = await uploadCount();
    const res = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      headers: { origin: 'https://chat.example.com', 'sec-fetch-site': 'same-site', cookie },
      body: uploadForm(),
    });
    expect(res.status).toBe(201);
    expect(await uploadCount()).toBe(before + 1);
  });

  it('accepts bearer-token requests whatever their Origin', async () => {
    const { token } = await cookieSession();
    const res = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      headers: { ...EVIL, authorization: `Bearer ${token}` },
      body: uploadForm(),
    });
    expect(res.status).toBe(201);
    const logout = await postJson(
      `${server.url}/api/auth/logout`,
      {},
      { ...EVIL, authorization: `Bearer ${token}` },
    );
    expect(logout.status).toBe(204);
  });

  it('accepts requests with neither Origin nor Sec-Fetch-Site (curl, native clients)', async () => {
    const { cookie } = await cookieSession();
    const res = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      headers: { cookie },
      body: uploadForm(),
    });
    expect(res.status).toBe(201);
  });

  it('leaves reads alone: a cross-site GET still answers', async () => {
    const { cookie } = await cookieSession();
    const res = await fetch(`${server.url}/api/me`, { headers: { ...EVIL, cookie } });
    expect(res.status).toBe(200);
  });
});

describe('behind a trusted proxy', () => {
  it('takes the public host from X-Forwarded-Host only when TRUST_PROXY is on', async () => {
    const proxied = await startTestServer({ trustProxy: true }, { rateRules: relaxedLimits });
    try {
      const headers = { origin: 'https://chat.public.example', 'x-forwarded-host': 'chat.public.example' };
      const body = { username: uniqueName('guest') };
      expect((await postJson(`${proxied.url}/api/auth/guest`, body, headers)).status).toBe(201);
      // Without TRUST_PROXY the header is anyone's to send, and proves nothing.
      const direct = await postJson(
        `${server.url}/api/auth/guest`,
        { username: uniqueName('guest') },
        headers,
      );
      expect(direct.status).toBe(403);
    } finally {
      await proxied.close();
    }
  });
});
