import { randomUUID } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { call, channelId, closeAllSockets, connect, register } from '../helpers/clients.js';
import { getOnce, image, uploadFile } from '../helpers/media.js';
import { relaxedLimits, startTestServer, tempDir } from '../helpers/server.js';

/**
 * The states a crash leaves in the upload store, set up on a stopped server's data, and what
 * the next start makes of them. (test/integration/upload-crash.test.ts kills a real process.)
 */
afterEach(() => closeAllSockets());

const keysOnDisk = async (dataDir: string) => {
  const root = path.join(dataDir, 'uploads');
  const keys: string[] = [];
  for (const fan of await readdir(root).catch(() => []))
    for (const key of await readdir(path.join(root, fan))) keys.push(key);
  return keys.sort();
};

const onDisk = (dataDir: string, key: string) => path.join(dataDir, 'uploads', key.slice(0, 2), key);

function sqlite(dataDir: string) {
  return new Database(path.join(dataDir, 'parley.sqlite'));
}

describe('the orphan sweep at start', () => {
  it('deletes bytes whose row a killed sweep had marked removed, and bytes with no row at all', async () => {
    const dataDir = tempDir();
    const first = await startTestServer({ dataDir }, { rateRules: relaxedLimits });
    const { token } = await register(first.url);
    const ids: string[] = [];
    for (const name of ['kept.png', 'marked.png', 'rowless.png']) {
      const { status, body } = await uploadFile(first.url, token, await image('png'), name);
      expect(status).toBe(201);
      ids.push(body.attachment.id);
    }
    await first.close();
    const [kept, marked, rowless] = ids as [string, string, string];
    const db = sqlite(dataDir);
    // What a crash between the sweep's two steps leaves: the row marked, the bytes still there;
    // and, a day later, the row deleted with the bytes still there.
    db.prepare('UPDATE uploads SET removed_at = ? WHERE id = ?').run(Date.now(), marked);
    db.prepare('DELETE FROM uploads WHERE id = ?').run(rowless);
    db.close();
    expect(await keysOnDisk(dataDir)).toHaveLength(6);

    const second = await startTestServer({ dataDir }, { rateRules: relaxedLimits });
    try {
      await expect.poll(() => keysOnDisk(dataDir)).toEqual([kept, `${kept}.thumb`].sort());
      const served = await getOnce(`${second.url}/files/${kept}/kept.png`, token);
      expect(served.status).toBe(200);
      expect(served.bytes.length).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  });

  it('retires an unattached row whose bytes never arrived, so it can never be attached', async () => {
    const dataDir = tempDir();
    const first = await startTestServer({ dataDir }, { rateRules: relaxedLimits });
    const { token } = await register(first.url);
    const lost = (await uploadFile(first.url, token, await image('png'), 'lost.png')).body.attachment;
    const fresh = (await uploadFile(first.url, token, await image('png'), 'fresh.png')).body.attachment;
    await first.close();
    // What a crash between the row's commit and the rename leaves (here the thumbnail made it).
    await rm(onDisk(dataDir, lost.id));
    const db = sqlite(dataDir);
    // Only rows older than ten minutes are judged: a younger one may be an upload whose bytes
    // another node is renaming in right now.
    db.prepare('UPDATE uploads SET created_at = ? WHERE id = ?').run(Date.now() - 11 * 60_000, lost.id);
    db.close();
    await rm(onDisk(dataDir, fresh.id));

    const second = await startTestServer({ dataDir }, { rateRules: relaxedLimits });
    try {
      await expect.poll(() => keysOnDisk(dataDir)).toEqual([`${fresh.id}.thumb`]);
      const rows = sqlite(dataDir);
      const state = (id: string) =>
        rows.prepare('SELECT removed_at FROM uploads WHERE id = ?').get(id) as { removed_at: number | null };
      expect(state(lost.id).removed_at).not.toBeNull();
      expect(state(fresh.id).removed_at).toBeNull();
      rows.close();
      const socket = await connect(second.url, token);
      const attach = await call(socket, 'message:send', {
        roomId: await channelId(socket, 'general'),
        clientMsgId: randomUUID(),
        text: 'here it is',
        attachmentIds: [lost.id],
      });
      expect(attach).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      const served = await getOnce(`${second.url}${lost.thumbUrl}`, token);
      expect(served.status).toBe(404);
    } finally {
      await second.close();
    }
  });
});
