import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatLines } from '../helpers/chat-lines.js';
import { channelId, closeAllSockets, ok, signedIn } from '../helpers/clients.js';
import { rawGet } from '../helpers/raw-http.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let token: string;
let historyUrl: string;
beforeAll(async () => {
  server = await startTestServer({}, { rateRules: relaxedLimits });
  const alice = await signedIn(server.url);
  const bob = await signedIn(server.url);
  token = alice.token;
  const roomId = await channelId(alice.socket, 'general');
  // 50 messages as a conversation has them: two people taking turns, some replies, reactions.
  let previous: string | undefined;
  for (const [index, text] of chatLines(50).entries()) {
    const author = index % 3 === 2 ? bob : alice;
    const replyTo = index % 7 === 6 ? previous : undefined;
    const { message } = await ok(author.socket, 'message:send', {
      roomId,
      clientMsgId: crypto.randomUUID(),
      text,
      ...(replyTo ? { replyTo } : {}),
    });
    if (index % 5 === 4) await ok(bob.socket, 'reaction:toggle', { messageId: message.id, emoji: '👍' });
    previous = message.id;
  }
  historyUrl = `${server.url}/api/rooms/${roomId}/messages?limit=50`;
  closeAllSockets();
});
afterAll(async () => {
  await server.close();
});

const auth = () => ({ authorization: `Bearer ${token}` });

describe('JSON API responses', () => {
  it('are compressed for a client that accepts brotli or gzip, and decode to the same JSON', async () => {
    const plain = await rawGet(historyUrl, auth());
    expect(plain.status).toBe(200);
    const json = JSON.parse(plain.body.toString('utf8'));
    expect(json.messages).toHaveLength(50);

    const br = await rawGet(historyUrl, { ...auth(), 'accept-encoding': 'br, gzip' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(JSON.parse(brotliDecompressSync(br.body).toString('utf8'))).toEqual(json);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);

    const gzip = await rawGet(historyUrl, { ...auth(), 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gzip.body).toString('utf8'))).toEqual(json);
    expect(gzip.body.length).toBeLessThan(plain.body.length / 3);
  });

  it('are sent as they are to a client that does not say it accepts an encoding', async () => {
    const plain = await rawGet(historyUrl, auth());
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.body.toString('utf8')).messages).toHaveLength(50);
    const identity = await rawGet(historyUrl, { ...auth(), 'accept-encoding': 'identity' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body.equals(plain.body)).toBe(true);
  });

  it('leave answers that hold a secret beside text others chose as they are (BREACH)', async () => {
    const carol = await signedIn(server.url);
    // Enough code rooms that the list is well over the compression threshold.
    for (let i = 0; i < 8; i++) await ok(carol.socket, 'code:create', {});
    const plain = await rawGet(`${server.url}/api/rooms`, { authorization: `Bearer ${carol.token}` });
    expect(plain.body.length).toBeGreaterThan(2048);
    expect(JSON.parse(plain.body.toString('utf8')).rooms.some((r: { code?: string }) => r.code)).toBe(true);
    const list = await rawGet(`${server.url}/api/rooms`, {
      authorization: `Bearer ${carol.token}`,
      'accept-encoding': 'br, gzip',
    });
    expect(list.status).toBe(200);
    expect(list.headers['content-encoding']).toBeUndefined();
    expect(list.body.equals(plain.body)).toBe(true);
    const me = await rawGet(`${server.url}/api/me`, {
      authorization: `Bearer ${carol.token}`,
      'accept-encoding': 'br, gzip',
    });
    expect(me.headers['content-encoding']).toBeUndefined();
    closeAllSockets();
  });

  it('leave small answers (under a kilobyte) as they are', async () => {
    const refused = await rawGet(historyUrl, { 'accept-encoding': 'br, gzip' });
    expect(refused.status).toBe(401);
    // Under a kilobyte, compressing costs more than it saves.
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(refused.body.toString('utf8')).code).toBeTruthy();
  });

  it('leave uploaded files as stored, whole and by Range, whatever the client accepts', async () => {
    // A text file compresses well: if anything compressed downloads, it would compress this.
    const bytes = Buffer.from(chatLines(50).join('\n').repeat(4), 'utf8');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: 'text/plain' }), 'notes.txt');
    const uploaded = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      headers: auth(),
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const { attachment } = (await uploaded.json()) as { attachment: { url: string } };

    const whole = await rawGet(`${server.url}${attachment.url}`, {
      ...auth(),
      'accept-encoding': 'br, gzip',
    });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-encoding']).toBeUndefined();
    expect(whole.body.equals(bytes)).toBe(true);

    const part = await rawGet(`${server.url}${attachment.url}`, {
      ...auth(),
      'accept-encoding': 'br, gzip',
      range: 'bytes=100-299',
    });
    expect(part.status).toBe(206);
    expect(part.headers['content-encoding']).toBeUndefined();
    expect(part.headers['content-range']).toBe(`bytes 100-299/${bytes.length}`);
    expect(part.body.equals(bytes.subarray(100, 300))).toBe(true);
  });
});
