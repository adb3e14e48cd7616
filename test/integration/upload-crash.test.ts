import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { guest } from '../helpers/clients.js';
import { image, uploadFile } from '../helpers/media.js';
import { spawnServer } from '../helpers/process.js';
import { tempDir } from '../helpers/server.js';

/** Every file under DATA_DIR/uploads, as store keys (`<id>` or `<id>.thumb`). */
async function keysOnDisk(dataDir: string): Promise<string[]> {
  const root = path.join(dataDir, 'uploads');
  const keys: string[] = [];
  for (const fan of await readdir(root).catch(() => [])) {
    for (const key of await readdir(path.join(root, fan)).catch(() => [])) keys.push(key);
  }
  return keys.sort();
}

/** Keys on disk whose upload has no live row: bytes nothing will ever serve or sweep. */
async function unreachableKeys(dataDir: string): Promise<string[]> {
  const keys = await keysOnDisk(dataDir);
  const db = new Database(path.join(dataDir, 'parley.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const live = new Set(
      (db.prepare('SELECT id FROM uploads WHERE removed_at IS NULL').all() as { id: string }[]).map(
        (row) => row.id,
      ),
    );
    return keys.filter((key) => !live.has(key.replace(/\.thumb$/, '')));
  } finally {
    db.close();
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('uploads and kill -9', () => {
  it('leaves no unreachable file behind, and every upload answered 201 is still served', async () => {
    const dataDir = tempDir();
    const answered: { url: string; token: string; bytes: Buffer | null }[] = [];
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      const server = await spawnServer({ DATA_DIR: dataDir, UPLOAD_MAX_BYTES: String(512 * 1024) });
      // Eight uploaders, each its own user so the per-user upload limit (burst 20) is not what
      // the kill lands on; images (re-encoded, thumbnailed) and plain files, back to back.
      const users = await Promise.all(Array.from({ length: 8 }, () => guest(server.url)));
      let killed = false;
      const uploaders = users.map(async ({ token }, n) => {
        for (let i = 0; !killed && i < 20; i++) {
          const isImage = (n + i) % 2 === 0;
          const bytes = isImage ? await image('png', 200 + i, 120) : randomBytes(64 * 1024 + i);
          try {
            const { status, body } = await uploadFile(server.url, token, bytes, isImage ? 'p.png' : 'f.bin');
            if (status === 201)
              answered.push({ url: body.attachment.url, token, bytes: isImage ? null : bytes });
          } catch {
            // The connection died with the server: this upload was never answered.
          }
        }
      });
      await pause(250 + round * 120);
      await server.stop('SIGKILL');
      killed = true;
      await Promise.all(uploaders);
    }
    expect(answered.length).toBeGreaterThan(rounds * 4);

    const restarted = await spawnServer({ DATA_DIR: dataDir });
    try {
      // The orphan sweep runs in the background after the server listens.
      await expect.poll(() => unreachableKeys(dataDir), { timeout: 15_000 }).toEqual([]);
      for (const { url, token, bytes } of answered) {
        const response = await fetch(`${restarted.url}${url}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(response.status, url).toBe(200);
        const served = Buffer.from(await response.arrayBuffer());
        if (bytes) expect(served.equals(bytes), url).toBe(true);
        else expect(served.length, url).toBeGreaterThan(0);
      }
      // Nothing half-written stays in the temp area either.
      expect(await readdir(path.join(dataDir, 'tmp'))).toEqual([]);
    } finally {
      await restarted.stop();
    }
  }, 180_000);
});
