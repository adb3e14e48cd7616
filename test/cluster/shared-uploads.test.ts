import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guest } from '../helpers/clients.js';
import { image, uploadFile } from '../helpers/media.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { redisServerPath, startRedis, type TestRedis } from '../helpers/redis.js';
import { relaxedLimits, startTestServer, type TestServer, tempDir } from '../helpers/server.js';

/**
 * Nodes of a cluster share DATA_DIR (uploads and their temp files). A node that starts runs
 * the temp cleanup and the orphan sweep over everything, while another node stores uploads.
 */
describe.skipIf(!postgresAdminUrl || !redisServerPath)('uploads on a cluster sharing DATA_DIR', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let redis: TestRedis;
  let steady: TestServer;
  const dataDir = tempDir();
  const config = () => ({ databaseUrl: database.url, redisUrl: redis.url, dataDir });

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startRedis();
    steady = await startTestServer(config(), { rateRules: relaxedLimits });
  }, 60_000);
  afterAll(async () => {
    await steady?.close();
    await redis?.stop();
    await database?.drop();
  });

  it('loses no upload of one node while another node starts and sweeps again and again', async () => {
    const users = await Promise.all(Array.from({ length: 4 }, () => guest(steady.url)));
    const answers: { status: number; url?: string; token: string }[] = [];
    let done = false;
    const uploaders = users.map(async ({ token }, n) => {
      for (let i = 0; !done && i < 20; i++) {
        const { status, body } = await uploadFile(
          steady.url,
          token,
          await image('png', 300 + n, 200 + i),
          'a.png',
        );
        answers.push({ status, url: body.attachment?.url, token });
      }
    });
    for (let round = 0; round < 4; round++) {
      const restarting = await startTestServer(config(), { rateRules: relaxedLimits });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await restarting.close();
    }
    done = true;
    await Promise.all(uploaders);
    expect(answers.length).toBeGreaterThan(8);
    // Every upload succeeded: the other node's start removed no temp file in use.
    expect(answers.filter((a) => a.status !== 201)).toEqual([]);
    for (const { url, token } of answers) {
      const response = await fetch(`${steady.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status, url).toBe(200);
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT count(*)::int AS n FROM uploads WHERE removed_at IS NOT NULL',
      );
      expect(rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
  }, 120_000);
});
