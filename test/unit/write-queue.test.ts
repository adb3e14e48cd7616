import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { preparedQuery, type SynchronousRunner } from '../../src/server/store/prepared.js';
import type { Schema } from '../../src/server/store/schema.js';
import { BatchFailedError, WriteQueue } from '../../src/server/store/write-queue.js';

let db: Kysely<Schema>;
let statements: string[];
let runNow: SynchronousRunner;
beforeEach(async () => {
  statements = [];
  const connection = new SQLite(':memory:');
  db = new Kysely<Schema>({
    dialect: new SqliteDialect({ database: connection }),
    log: (event) => {
      statements.push(event.query.sql);
    },
  });
  // What database.ts gives the queue for SQLite; the log above sees only what Kysely runs.
  runNow = (source, parameters) => {
    statements.push(`direct: ${source}`);
    const statement = connection.prepare(source);
    if (statement.reader) return { rows: statement.all(parameters) };
    return { rows: [], numAffectedRows: BigInt(statement.run(parameters).changes) };
  };
  await sql`create table t (v integer unique)`.execute(db);
});
afterEach(async () => {
  await db.destroy();
});

const insert = (v: number) => (trx: Kysely<Schema>) => sql`insert into t (v) values (${v})`.execute(trx);
const values = async () =>
  (await sql<{ v: number }>`select v from t order by v`.execute(db)).rows.map((r) => r.v);

describe.each([
  { mode: 'through Kysely', direct: false },
  { mode: 'with SQLite run directly', direct: true },
])('write queue (group commit) $mode', ({ direct }) => {
  const newQueue = () => new WriteQueue(db, direct ? { runNow } : {});

  it('commits jobs issued in the same tick as one transaction', async () => {
    const queue = newQueue();
    await Promise.all([1, 2, 3, 4].map((v) => queue.run(insert(v))));
    expect(await values()).toEqual([1, 2, 3, 4]);
    expect(statements.filter((s) => s === 'begin')).toHaveLength(1);
    expect(statements.filter((s) => s === 'commit')).toHaveLength(1);
  });

  it('rolls back a failing job alone and keeps the rest of the batch', async () => {
    const queue = newQueue();
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
    const queue = newQueue();
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
    const queue = newQueue();
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
    const queue = newQueue();
    const pending = [1, 2, 3].map((v) => queue.run(insert(v)));
    await queue.close();
    await Promise.all(pending);
    expect(await values()).toEqual([1, 2, 3]);
    await expect(queue.run(insert(4))).rejects.toThrow('closed');
  });

  it('runs prepared queries directly only inside the batch it holds open', async () => {
    const count = preparedQuery((db, p: { above: number }) =>
      db
        .selectFrom('t' as never)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('v' as never, '>', p.above as never),
    );
    const queue = newQueue();
    const held: Kysely<Schema>[] = [];
    const job = (v: number) =>
      queue.run(async (trx) => {
        held.push(trx);
        await insert(v)(trx);
        return (await count(trx, { above: 0 })).rows[0]!.n;
      });
    // A batch of two (with savepoints), then a batch of one (without).
    const inside = [...(await Promise.all([job(1), job(2)])), await job(3)];
    // Each job sees the writes of the jobs before it in the same transaction.
    expect(inside).toEqual([1, 2, 3]);
    const viaKysely = statements.filter((s) => s.startsWith('select count(*)'));
    const viaDirect = statements.filter((s) => s.startsWith('direct: select count(*)'));
    expect([viaKysely.length, viaDirect.length]).toEqual(direct ? [0, 3] : [3, 0]);
    // Once a batch has committed its transaction is unbound: the query goes to Kysely, which
    // refuses a finished transaction, instead of running on the connection outside it.
    for (const trx of held) await expect(count(trx, { above: 0 })).rejects.toThrow(/committed/);
    expect(statements.filter((s) => s.startsWith('direct: select count(*)'))).toHaveLength(direct ? 3 : 0);
  });

  it('unbinds a batch that fails alone, and rejects a failing statement rather than throwing', async () => {
    const bad = preparedQuery((db, p: { v: number }) =>
      db.insertInto('t' as never).values({ v: p.v } as never),
    );
    const queue = newQueue();
    let held: Kysely<Schema> | undefined;
    await queue.run(insert(1));
    const failed = queue.run(async (trx) => {
      held = trx;
      const pending = bad(trx, { v: 1 }); // UNIQUE violation
      expect(pending).toBeInstanceOf(Promise);
      await pending;
    });
    await expect(failed).rejects.toThrow(/UNIQUE/);
    await expect(bad(held!, { v: 5 })).rejects.toThrow(/rolled back/);
    expect(await values()).toEqual([1]);
  });
});
