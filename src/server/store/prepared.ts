import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Schema } from './schema.js';

/**
 * Queries on the message hot path, compiled once instead of on every call.
 *
 * Building a Kysely query (builder objects, an operation-node tree, the compiler's visit)
 * costs more than SQLite takes to run a small indexed statement, and it is garbage on every
 * message. A prepared query is written with the usual type-checked builder, but its inputs are
 * named slots: the first call per dialect compiles it with a marker in each slot, and every
 * later call reuses that SQL with the caller's values put where the markers were. The values
 * still travel as bound parameters, never as SQL text.
 *
 *   const membership = preparedQuery((db, p: { roomId: string; userId: string }) =>
 *     db.selectFrom('room_members').selectAll().where('room_id', '=', p.roomId).where('user_id', '=', p.userId));
 *   const { rows } = await membership(trx, { roomId, userId });
 */
export function preparedQuery<P extends object, Row>(
  build: (db: Kysely<Schema>, slots: P) => Compilable<Row>,
): (db: Kysely<Schema>, params: P) => Promise<QueryResult<Row>> {
  // One compilation per dialect adapter: SQLite and PostgreSQL differ in placeholders and quoting.
  const compiled = new WeakMap<object, Template<Row>>();
  return (db, params) => {
    const adapter = db.getExecutor().adapter;
    let template = compiled.get(adapter);
    if (!template) {
      template = compileTemplate(build, db);
      compiled.set(adapter, template);
    }
    const parameters = template.bindings.map((binding) =>
      binding.slot === undefined ? binding.value : (params as Record<string, unknown>)[binding.slot],
    );
    // A failing statement, or a finished transaction, rejects rather than throwing at the call.
    try {
      const runNow = synchronousRunners.get(db);
      if (runNow) return Promise.resolve(runNow(template.query.sql, parameters) as QueryResult<Row>);
      return db.executeQuery<Row>({ ...template.query, parameters });
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

/** Runs SQL on a SQLite connection at once (better-sqlite3 is synchronous). */
export type SynchronousRunner = (sql: string, parameters: readonly unknown[]) => QueryResult<unknown>;

const synchronousRunners = new WeakMap<Kysely<Schema>, SynchronousRunner>();

/**
 * Inside the write queue's SQLite transaction, prepared queries skip Kysely's executor and run
 * on the connection directly: its connection provider, plugin hooks and chain of promises make
 * more garbage per statement than SQLite spends running a small insert. Only the write queue
 * binds a runner, only to the transaction it holds open, and unbinds it as that transaction
 * ends, so a statement can never slip into some other transaction or outside one.
 */
export function runPreparedSynchronously(trx: Kysely<Schema>, run: SynchronousRunner): () => void {
  synchronousRunners.set(trx, run);
  return () => synchronousRunners.delete(trx);
}

interface Template<Row> {
  query: CompiledQuery<Row>;
  /** Per SQL parameter: the caller's value named `slot`, or a constant from the definition. */
  bindings: { slot?: string; value?: unknown }[];
}

const MARKER = '\u0000parley-slot:';

function compileTemplate<P extends object, Row>(
  build: (db: Kysely<Schema>, slots: P) => Compilable<Row>,
  db: Kysely<Schema>,
): Template<Row> {
  const used = new Set<string>();
  const slots = new Proxy({} as P, {
    get(_, key) {
      if (typeof key !== 'string') return undefined;
      used.add(key);
      return `${MARKER}${key}`;
    },
  });
  const query = build(db, slots).compile();
  const bindings = query.parameters.map((value) =>
    typeof value === 'string' && value.startsWith(MARKER) ? { slot: value.slice(MARKER.length) } : { value },
  );
  // A slot used where Kysely does not make a parameter (a column name, an inlined literal)
  // would silently run with the marker: refuse such a definition outright.
  const bound = new Set(bindings.flatMap((binding) => (binding.slot === undefined ? [] : [binding.slot])));
  for (const name of used) {
    if (!bound.has(name)) throw new Error(`prepared query slot "${name}" is not a bound parameter`);
  }
  if (query.sql.includes(MARKER)) throw new Error('a prepared query slot ended up in the SQL text');
  return { query, bindings };
}
