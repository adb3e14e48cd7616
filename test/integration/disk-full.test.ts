import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, channelId, closeAllSockets, getJson, signedIn } from '../helpers/clients.js';
import { getOnce, image, uploadFile } from '../helpers/media.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';
import { mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';

const DISK = 16 * 1024 * 1024;
const MAX_UPLOAD = 1024 * 1024;

/** Writes a file until the disk refuses (ENOSPC); returns its path. */
function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 7);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  // The last partial blocks: a tmpfs may still take a few bytes after a 64 KiB write fails.
  const tail = openSync(filler, 'a');
  try {
    for (;;) writeSync(tail, Buffer.alloc(512, 7));
  } catch {
    // full now
  } finally {
    closeSync(tail);
  }
  return filler;
}

const tmpfs: Tmpfs | null = mountTmpfs(DISK);

describe.skipIf(!tmpfs)('a full disk', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(
      {
        dataDir: path.join(tmpfs!.dir, 'data'),
        uploadMaxBytes: MAX_UPLOAD,
        diskMinFreeBytes: 2 * MAX_UPLOAD,
      },
      { rateRules: relaxedLimits },
    );
  });
  afterAll(async () => {
    closeAllSockets();
    await server?.close();
    tmpfs?.unmount();
  });

  it('answers uploads 503 unavailable, reports it on /readyz, and recovers when space is freed', async () => {
    const alice = await signedIn(server.url);
    const general = await channelId(alice.socket, 'general');
    const before = await uploadFile(server.url, alice.token, await image('png', 300, 200), 'before.png');
    expect(before.status).toBe(201);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    const filler = fillDisk(tmpfs!.dir);
    const photo = await image('png', 400, 300);
    for (const [bytes, name] of [
      [photo, 'photo.png'],
      [Buffer.alloc(600 * 1024, 3), 'big.bin'],
    ] as const) {
      const refused = await uploadFile(server.url, alice.token, bytes, name);
      expect(refused.status, name).toBe(503);
      expect(refused.body, name).toMatchObject({ code: 'unavailable' });
      expect(refused.body.detail, name).toMatch(/space/);
      expect(Number(refused.headers.get('retry-after')), name).toBeGreaterThan(0);
    }
    // Nothing of the refused uploads is left, in the temp area or the store.
    expect(readdirSync(path.join(server.dataDir, 'tmp'))).toEqual([]);

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reason: string }).reason).toMatch(/disk|space/);

    // The process is alive and serves what it already has.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const stored = await getOnce(`${server.url}${before.body.attachment.url}`, alice.token);
    expect(stored.status).toBe(200);
    expect(stored.bytes.length).toBeGreaterThan(0);
    expect((await getJson(`${server.url}/api/rooms/${general}/messages`, alice.token)).status).toBe(200);
    // A message either is stored and acknowledged, or is refused as unavailable: never lost.
    const ack = await call(alice.socket, 'message:send', {
      roomId: general,
      clientMsgId: randomUUID(),
      text: 'full',
    });
    if (!ack.ok) expect(ack.error.code).toBe('unavailable');

    rmSync(filler);
    await expect.poll(async () => (await fetch(`${server.url}/readyz`)).status).toBe(200);
    const after = await uploadFile(server.url, alice.token, photo, 'after.png');
    expect(after.status).toBe(201);
    if (ack.ok) {
      const page = await getJson(`${server.url}/api/rooms/${general}/messages`, alice.token);
      expect(page.body.messages.map((m: { id: string }) => m.id)).toContain(ack.message.id);
    }
  });
});
