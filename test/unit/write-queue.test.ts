import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Schema } from '../../src/server/store/schema.js';
import { BatchFailedError, WriteQueue } from '../../src/server/store/write-queue.js';

let db: Kysely<Schema>;
let statements: string[];
beforeEach(async () => {
  statements = [];
  db = new Kysely<Schema>({
    dialect: new SqliteDialect({ database: new SQLite(':memory:') }),
    log: (event) => {
      statements.push(event.query.sql);
    },
  });
  await sql`create table t (v integer unique)`.execute(db);
});
afterEach(async () => {
  await db.destroy();
});

const insert = (v: number) => (trx: Kysely<Schema>) => sql`insert into t (v) values (${v})`.execute(trx);
const values = async () =>
  (await sql<{ v: number }>`select v from t order by v`.execute(db)).rows.map((r) => r.v);

describe('write queue (group commit)', () => {
  it('commits jobs issued in the same tick as one transaction', async () => {
    const queue = new WriteQueue(db);
    await Promise.all([1, 2, 3, 4].map((v) => queue.run(insert(v))));
    expect(await values()).toEqual([1, 2, 3, 4]);
    expect(statements.filter((s) => s === 'begin')).toHaveLength(1);
    expect(statements.filter((s) => s === 'commit')).toHaveLength(1);
  });

  it('rolls back a failing job alone and keeps the rest of the batch', async () => {
    const queue = new WriteQueue(db);
    const results = await Promise.allSettled([
      queue.run(insert(1)),
      queue.run(insert(1)), // UNIQUE violation
      queue.run(async (trx) => {
        await insert(2)(trx);
        throw new Error('changed my mind');
      }),
      queue.run(insert(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(await values()).toEqual([1, 3]);
  });

  it('settles jobs only after their batch has committed, in order', async () => {
    const queue = new WriteQueue(db);
    const order: string[] = [];
    const a = queue.run(insert(1)).then(() => order.push('a'));
    const b = queue.run(insert(2)).then(() => order.push('b'));
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
    expect(statements.indexOf('commit')).toBeGreaterThan(
      statements.lastIndexOf('insert into t (v) values (?)'),
    );
  });

  it("reports a failed commit as a retryable batch failure, not as the job's error", async () => {
    const queue = new WriteQueue(db);
    // Ending the transaction behind the queue's back makes its COMMIT fail.
    const results = await Promise.allSettled([
      queue.run(insert(1)),
      queue.run(async (trx) => sql`rollback`.execute(trx)),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(BatchFailedError);
    }
    const alone = await Promise.allSettled([queue.run(async (trx) => sql`rollback`.execute(trx))]);
    expect((alone[0] as PromiseRejectedResult).reason).toBeInstanceOf(BatchFailedError);
    await queue.run(insert(2));
    expect(await values()).toEqual([2]);
  });

  it('drains accepted work on close and refuses new work', async () => {
    const queue = new WriteQueue(db);
    const pending = [1, 2, 3].map((v) => queue.run(insert(v)));
    await queue.close();
    await Promise.all(pending);
    expect(await values()).toEqual([1, 2, 3]);
    await expect(queue.run(insert(4))).rejects.toThrow('closed');
  });
});
