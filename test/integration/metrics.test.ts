import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Who may read /metrics, for each way of configuring it. */
const TOKEN = 'scrape-me-0123456789abcdef';

const scrape = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/metrics`, { headers }).then(async (r) => ({
    status: r.status,
    text: await r.text(),
    challenge: r.headers.get('www-authenticate'),
  }));

describe('with no metrics configuration', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves no metrics at all, to anyone', async () => {
    for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }] as Record<string, string>[]) {
      const res = await scrape(server.url, headers);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('parley_');
    }
    expect(server.parley.metricsUrl).toBeUndefined();
  });
});

describe('with METRICS_TOKEN', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ metricsToken: TOKEN });
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses a scrape without the token, with a Bearer challenge', async () => {
    const res = await scrape(server.url);
    expect(res.status).toBe(401);
    expect(res.challenge).toBe('Bearer realm="metrics"');
    expect(JSON.parse(res.text)).toMatchObject({ code: 'unauthorized', detail: /METRICS_TOKEN/ });
    expect(res.text).not.toContain('parley_');
  });

  it('refuses a wrong token, a longer or shorter one, and other schemes', async () => {
    for (const authorization of [
      'Bearer scrape-me-0123456789abcdeF',
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Basic ${Buffer.from(`metrics:${TOKEN}`).toString('base64')}`,
      TOKEN,
      'Bearer',
    ]) {
      const res = await scrape(server.url, { authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.text).not.toContain('parley_');
    }
  });

  it('serves the metrics to the right token', async () => {
    const res = await scrape(server.url, { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.text).toContain('parley_socket_connections');
  });
});

describe('with METRICS_PORT', () => {
  let server: TestServer;
  let guarded: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ metricsPort: 0, metricsHost: '127.0.0.1' });
    guarded = await startTestServer({ metricsPort: 0, metricsToken: TOKEN });
  });
  afterAll(async () => {
    await server.close();
    await guarded.close();
  });

  it('serves the metrics on their own listener, and not on the main port', async () => {
    const metricsUrl = server.parley.metricsUrl!;
    expect(new URL(metricsUrl).hostname).toBe('127.0.0.1');
    expect(new URL(metricsUrl).port).not.toBe(new URL(server.url).port);
    const res = await scrape(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.text).toContain('parley_db_write_seconds_bucket');
    expect((await scrape(server.url)).status).toBe(404);
  });

  it('serves nothing else on that listener', async () => {
    const metricsUrl = server.parley.metricsUrl!;
    for (const path of ['/', '/healthz', '/api/me', '/metrics/../api/me']) {
      expect((await fetch(`${metricsUrl}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${metricsUrl}/metrics`, { method: 'POST' })).status).toBe(404);
  });

  it('stops the start, naming the variables, when the metrics port is taken', async () => {
    const taken = Number(new URL(server.parley.metricsUrl!).port);
    await expect(startTestServer({ metricsPort: taken })).rejects.toThrow(
      /METRICS_PORT\/METRICS_HOST.*EADDRINUSE/,
    );
  });

  it('asks for the token there too when one is set', async () => {
    const metricsUrl = guarded.parley.metricsUrl!;
    expect((await scrape(metricsUrl)).status).toBe(401);
    expect((await scrape(metricsUrl, { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await scrape(metricsUrl, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    // The token does not put them back on the main port.
    expect((await scrape(guarded.url, { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
  });
});
