import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Attachment } from '../../src/shared/protocol.js';
import { call, channelId, closeAllSockets, ok, signedIn } from '../helpers/clients.js';
import { image, jpegWithGps, mp3, mp4, wav, webm } from '../helpers/media.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

const LIMIT = 256 * 1024;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ uploadMaxBytes: LIMIT }, { rateRules: relaxedLimits });
});
afterEach(() => closeAllSockets());
afterAll(async () => {
  await server.close();
});

async function upload(token: string, bytes: Buffer, name: string, type = 'application/octet-stream') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const response = await fetch(`${server.url}/api/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return {
    status: response.status,
    body: (await response.json()) as { attachment: Attachment; code?: string; detail?: string },
  };
}

async function fetchFile(url: string, token?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${url}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

const filesOnDisk = async () => {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else found.push(full);
    }
  };
  await walk(path.join(server.dataDir, 'uploads'));
  await walk(path.join(server.dataDir, 'tmp'));
  return found;
};

describe('uploads', () => {
  it('accepts each allowed type with the right kind, metadata and thumbnail', async () => {
    const alice = await signedIn(server.url);
    const cases: [Buffer, string, Attachment['kind'], string][] = [
      [await image('jpeg', 64, 32), 'photo.jpg', 'image', 'image/jpeg'],
      [await image('png', 800, 600), 'screen.png', 'image', 'image/png'],
      [await image('webp'), 'pic.webp', 'image', 'image/webp'],
      [await image('gif'), 'anim.gif', 'image', 'image/gif'],
      [webm(), 'clip.webm', 'video', 'video/webm'],
      [mp4(), 'clip.mp4', 'video', 'video/mp4'],
      [mp3(), 'song.mp3', 'audio', 'audio/mpeg'],
      [wav(), 'sound.wav', 'audio', 'audio/wav'],
      [Buffer.from('just some notes\n'), 'notes.txt', 'file', 'application/octet-stream'],
    ];
    for (const [bytes, name, kind, mime] of cases) {
      const { status, body } = await upload(alice.token, bytes, name);
      expect(status, name).toBe(201);
      expect(body.attachment, name).toMatchObject({ kind, mime, name });
      if (kind === 'image') {
        expect(body.attachment.width, name).toBeGreaterThan(0);
        expect(body.attachment.thumbUrl).toMatch(/^\/thumbs\//);
        const thumb = await fetchFile(body.attachment.thumbUrl!, alice.token);
        expect(thumb.response.headers.get('content-type')).toBe('image/webp');
        const meta = await sharp(thumb.bytes).metadata();
        expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(480);
      } else {
        expect(body.attachment.thumbUrl).toBeNull();
      }
    }
    const big = await upload(alice.token, await image('png', 800, 600), 'big.png');
    expect(big.body.attachment).toMatchObject({
      width: 800,
      height: 600,
      thumb: { width: 480, height: 360 },
    });
  });

  it('refuses limit + 1 bytes with 413 and leaves nothing on disk', async () => {
    const alice = await signedIn(server.url);
    const before = await filesOnDisk();
    const exact = await upload(alice.token, Buffer.alloc(LIMIT, 1), 'exact.bin');
    expect(exact.status).toBe(201);
    const afterExact = await filesOnDisk();
    const over = await upload(alice.token, Buffer.alloc(LIMIT + 1, 1), 'over.bin');
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({ code: 'too_large', detail: 'files are limited to 256 KB' });
    expect(await filesOnDisk()).toEqual(afterExact);
    expect(afterExact.length).toBe(before.length + 1);
  });

  it('requires a session', async () => {
    const form = new FormData();
    form.append('file', new Blob(['x']), 'x.txt');
    const response = await fetch(`${server.url}/api/uploads`, { method: 'POST', body: form });
    expect(response.status).toBe(401);
  });

  it('strips EXIF and GPS from photos and applies their orientation', async () => {
    const alice = await signedIn(server.url);
    const original = await jpegWithGps();
    const originalMeta = await sharp(original).metadata();
    expect(originalMeta.exif).toBeDefined();
    expect(originalMeta.orientation).toBe(6);
    expect(original.includes(Buffer.from('ParleyCam'))).toBe(true);
    const { body } = await upload(alice.token, original, 'holiday.jpg', 'image/jpeg');
    const { bytes } = await fetchFile(body.attachment.url, alice.token);
    const stored = await sharp(bytes).metadata();
    expect(stored.exif).toBeUndefined();
    expect(stored.orientation ?? 1).toBe(1);
    expect([stored.width, stored.height]).toEqual([20, 60]);
    expect(body.attachment).toMatchObject({ width: 20, height: 60 });
    expect(bytes.includes(Buffer.from('ParleyCam'))).toBe(false);
  });
});

describe('serving', () => {
  const hostile: [string, () => Promise<Buffer> | Buffer][] = [
    ['cat.jpg', () => Buffer.from('<html><script>alert(document.cookie)</script></html>')],
    [
      'logo.svg',
      () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
    ['invoice.pdf.html', () => Buffer.from('<!doctype html><body onload="alert(1)">')],
    ['photo.php.png', () => Buffer.from('<?php system($_GET["c"]); ?>')],
  ];

  it('never serves HTML, SVG or disguised files inline, and always with nosniff', async () => {
    const alice = await signedIn(server.url);
    for (const [name, bytes] of hostile) {
      const { status, body } = await upload(alice.token, await bytes(), name, 'image/jpeg');
      expect(status, name).toBe(201);
      expect(body.attachment.kind, name).toBe('file');
      const { response } = await fetchFile(body.attachment.url, alice.token);
      expect(response.headers.get('content-type'), name).toBe('application/octet-stream');
      expect(response.headers.get('content-disposition'), name).toMatch(/^attachment;/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain('sandbox');
    }
  });

  it('serves a polyglot (a real JPEG with HTML appended) re-encoded, without the HTML', async () => {
    const alice = await signedIn(server.url);
    const polyglot = Buffer.concat([
      await image('jpeg'),
      Buffer.from('<html><script>alert(1)</script></html>'),
    ]);
    const { body } = await upload(alice.token, polyglot, 'innocent.jpg', 'image/jpeg');
    expect(body.attachment.kind).toBe('image');
    const { response, bytes } = await fetchFile(body.attachment.url, alice.token);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(bytes.includes(Buffer.from('<script>'))).toBe(false);
  });

  it("keeps the user's file name only as sanitised metadata", async () => {
    const alice = await signedIn(server.url);
    const { body } = await upload(alice.token, Buffer.from('x'), '../../etc/passwd\u202E.txt');
    expect(body.attachment.name).toBe('passwd.txt');
    const onDisk = await filesOnDisk();
    expect(onDisk.some((f) => f.includes('passwd'))).toBe(false);
    expect(onDisk.some((f) => f.endsWith(body.attachment.id))).toBe(true);
  });

  it('answers 404 to path traversal and malformed ids', async () => {
    const alice = await signedIn(server.url);
    for (const url of [
      '/files/..%2F..%2Fetc%2Fpasswd/x',
      '/files/../../etc/passwd',
      '/files/not-a-uuid/x',
      '/thumbs/%2e%2e%2fparley.sqlite',
    ]) {
      const { response } = await fetchFile(url, alice.token);
      expect([400, 404], url).toContain(response.status);
    }
  });

  it('shows a file to its uploader, then to members of the room it was posted in, and no one else', async () => {
    const alice = await signedIn(server.url);
    const bob = await signedIn(server.url);
    const eve = await signedIn(server.url);
    const { body } = await upload(alice.token, await image('png'), 'secret.png');
    const url = body.attachment.url;
    expect((await fetchFile(url, alice.token)).response.status).toBe(200);
    expect((await fetchFile(url, bob.token)).response.status).toBe(404);
    expect((await fetchFile(url)).response.status).toBe(401);

    const { room } = await ok(alice.socket, 'room:create', {
      kind: 'group',
      name: 'private',
      memberIds: [bob.user.id],
    });
    const { message } = await ok(alice.socket, 'message:send', {
      roomId: room.id,
      clientMsgId: randomUUID(),
      text: '',
      attachmentIds: [body.attachment.id],
    });
    expect(message.attachments.map((a) => a.id)).toEqual([body.attachment.id]);
    const delivered = await bob.recorder.wait('message:new', (e) => e.message.id === message.id);
    expect(delivered.message.attachments[0].url).toBe(url);
    expect((await fetchFile(url, bob.token)).response.status).toBe(200);
    expect((await fetchFile(url, eve.token)).response.status).toBe(404);
    expect((await fetchFile(body.attachment.thumbUrl!, eve.token)).response.status).toBe(404);

    await ok(alice.socket, 'message:delete', { messageId: message.id });
    expect((await fetchFile(url, bob.token)).response.status).toBe(404);
  });

  it('attaches an upload only once, and only its uploader can', async () => {
    const alice = await signedIn(server.url);
    const bob = await signedIn(server.url);
    const general = await channelId(alice.socket, 'general');
    const { body } = await upload(alice.token, Buffer.from('doc'), 'doc.txt');
    const stolen = await call(bob.socket, 'message:send', {
      roomId: general,
      clientMsgId: randomUUID(),
      text: 'mine now',
      attachmentIds: [body.attachment.id],
    });
    expect(stolen).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    await ok(alice.socket, 'message:send', {
      roomId: general,
      clientMsgId: randomUUID(),
      text: 'a',
      attachmentIds: [body.attachment.id],
    });
    const again = await call(alice.socket, 'message:send', {
      roomId: general,
      clientMsgId: randomUUID(),
      text: 'b',
      attachmentIds: [body.attachment.id],
    });
    expect(again).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const empty = await call(alice.socket, 'message:send', {
      roomId: general,
      clientMsgId: randomUUID(),
      text: '  ',
    });
    expect(empty).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('answers Range requests with 206 and exactly the requested bytes', async () => {
    const alice = await signedIn(server.url);
    const video = webm(100_000);
    const { body } = await upload(alice.token, video, 'clip.webm', 'video/webm');
    const whole = await fetchFile(body.attachment.url, alice.token);
    expect(whole.response.status).toBe(200);
    expect(whole.response.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.response.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(whole.bytes.equals(video)).toBe(true);

    const part = await fetchFile(body.attachment.url, alice.token, { range: 'bytes=1000-1999' });
    expect(part.response.status).toBe(206);
    expect(part.response.headers.get('content-range')).toBe(`bytes 1000-1999/${video.length}`);
    expect(part.bytes.equals(video.subarray(1000, 2000))).toBe(true);

    const tail = await fetchFile(body.attachment.url, alice.token, { range: 'bytes=-500' });
    expect(tail.bytes.equals(video.subarray(video.length - 500))).toBe(true);
    const open = await fetchFile(body.attachment.url, alice.token, { range: 'bytes=99000-' });
    expect(open.bytes.equals(video.subarray(99000))).toBe(true);
    const bad = await fetchFile(body.attachment.url, alice.token, { range: 'bytes=200000-' });
    expect(bad.response.status).toBe(416);
  });
});

describe('quota', () => {
  it('counts uploads still in progress, so parallel uploads cannot overshoot the daily quota', async () => {
    const tight = await startTestServer(
      { uploadMaxBytes: 64 * 1024, uploadDailyQuotaBytes: 100 * 1024 },
      { rateRules: relaxedLimits },
    );
    try {
      const { token } = await signedIn(tight.url);
      const form = () => {
        const body = new FormData();
        body.append('file', new Blob([new Uint8Array(60 * 1024)]), 'chunk.bin');
        return body;
      };
      const statuses = await Promise.all(
        Array.from({ length: 8 }, () =>
          fetch(`${tight.url}/api/uploads`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}` },
            body: form(),
          }).then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s === 201).length).toBe(1);
      expect(statuses.filter((s) => s === 413).length).toBe(7);
    } finally {
      await tight.close();
    }
  });
});
