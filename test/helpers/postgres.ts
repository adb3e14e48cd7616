import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * PostgreSQL for tests: DATABASE_URL names a server (any database on it); each call makes a
 * brand-new database there, so no test depends on what an earlier run left behind. Under
 * CI=true a missing DATABASE_URL is an error, elsewhere the PostgreSQL runs are skipped.
 */
export const postgresAdminUrl = process.env.DATABASE_URL?.startsWith('postgres')
  ? process.env.DATABASE_URL
  : undefined;

if (!postgresAdminUrl && process.env.CI === 'true') {
  throw new Error('CI=true but DATABASE_URL is not set: the PostgreSQL store tests must run in CI');
}
if (!postgresAdminUrl) {
  console.warn('[parley tests] DATABASE_URL is not set: skipping the PostgreSQL runs of the store suite');
}

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!postgresAdminUrl) throw new Error('DATABASE_URL is not set');
  const name = `parley_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: postgresAdminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
