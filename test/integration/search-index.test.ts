import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, shortTransaction } from '../../src/server/store/database.js';
import { resetSearchIndex } from '../../src/server/store/search-index.js';
import { runParley } from '../helpers/cli.js';
import { channelId, closeAllSockets, connect, register, send } from '../helpers/clients.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { relaxedLimits, startTestServer, type TestServer, tempDir } from '../helpers/server.js';

/**
 * Issue #18, the index's upkeep on a real server: messages it has not indexed (a database
 * from before the index) are indexed in the background once the server is up, and
 * `parley reindex-search` rebuilds the index while the server runs — on SQLite and PostgreSQL.
 */
const BACKENDS = [
  { name: 'sqlite', database: async () => ({ url: undefined as string | undefined, drop: async () => {} }) },
  ...(postgresAdminUrl ? [{ name: 'postgres', database: createTestDatabase }] : []),
];

const MESSAGES = 450;

describe.each(BACKENDS)('the search index kept up on $name', (backend) => {
  let database: Awaited<ReturnType<typeof backend.database>>;
  const dataDir = tempDir();
  let server: TestServer;
  let token: string;

  const start = () =>
    startTestServer({ databaseUrl: database.url, dataDir }, { rateRules: relaxedLimits }).then((s) => {
      server = s;
    });
  const found = async (q: string) => {
    const response = await fetch(`${server.url}/api/search?q=${encodeURIComponent(q)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { total: number }).total;
  };

  beforeAll(async () => {
    database = await backend.database();
    await start();
    const me = await register(server.url);
    token = me.token;
    const socket = await connect(server.url, token);
    const general = await channelId(socket, 'general');
    for (let i = 0; i < MESSAGES; i++) await send(socket, general, `needle number ${i} in the haystack`);
    closeAllSockets();
  });
  afterAll(async () => {
    await server?.close();
    await database.drop();
  });

  it('indexes, in the background, what a server started with unindexed messages', async () => {
    expect(await found('needle')).toBe(MESSAGES);
    await server.close();
    // As a database from before the index: none of its messages are in it.
    const direct = await openDatabase({
      url: database.url,
      dataDir,
      sqliteSynchronous: 'FULL',
      logger: pino({ level: 'silent' }),
    });
    await shortTransaction(direct, (trx) => resetSearchIndex(trx));
    await direct.close();

    await start();
    const deadline = Date.now() + 15_000;
    while ((await found('needle')) < MESSAGES && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await found('needle')).toBe(MESSAGES);
    expect(await found('haystack -needle')).toBe(0);
  });

  it('is rebuilt by `parley reindex-search` while the server runs', async () => {
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    };
    const run = await runParley(['reindex-search'], { env, timeoutMs: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/The search index is rebuilt/);
    // Every row of the messages table is looked at: the messages, and the join lines beside them.
    if (!database.url)
      expect(Number(/rebuilt: (\d+) messages/.exec(run.stdout)?.[1])).toBeGreaterThanOrEqual(MESSAGES);
    expect(await found('needle')).toBe(MESSAGES);
    // The running server keeps indexing what is sent after it.
    const socket = await connect(server.url, token);
    await send(socket, await channelId(socket, 'general'), 'one more needle');
    expect(await found('needle')).toBe(MESSAGES + 1);
    closeAllSockets();
  });
});
