import type { Kysely } from 'kysely';
import type { Schema } from './schema.js';

/**
 * What every store function runs its queries on: the database itself for reads, or the write
 * queue's transaction for writes. Queries are parameterised through Kysely only: no SQL is
 * built from strings anywhere in the store.
 */
export type Executor = Kysely<Schema>;
