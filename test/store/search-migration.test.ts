import { describe, expect, it } from 'vitest';
import { shortTransaction } from '../../src/server/store/database.js';
import { updateMessageText } from '../../src/server/store/messages.js';
import { searchMessages } from '../../src/server/store/search.js';
import { backfillSearchIndex, resetSearchIndex } from '../../src/server/store/search-index.js';
import { databaseMadeAt, migrationBackends } from '../helpers/migrations.js';

/**
 * Migration 014 adds the search index to a database that already holds messages. On SQLite
 * those are indexed afterwards, a batch at a time (store/search-index.ts); on PostgreSQL the
 * migration's CREATE INDEX covers them at once. Either way they are found in the end, and
 * system lines and deleted messages are not.
 */
describe.each(migrationBackends)('search index migration on $name', (backend) => {
  it('indexes the old messages in batches and finds them', async () => {
    const made = await databaseMadeAt(backend, '013-guest-bans');
    const { old } = made;
    const OLD = 250;
    try {
      await old
        .insertInto('users')
        .values({
          id: 'u1',
          username: 'alice',
          username_key: 'alice',
          username_skeleton: 'alice',
          password_hash: null,
          is_guest: 0,
          created_at: 1,
          role: 'member',
        } as never)
        .execute();
      await old
        .insertInto('rooms')
        .values({ id: 'r1', kind: 'group', name: 'g', last_seq: 0, member_count: 1, created_at: 1 } as never)
        .execute();
      await old
        .insertInto('room_members')
        .values({ room_id: 'r1', user_id: 'u1', role: 'owner', joined_at: 1, last_read_seq: 0 })
        .execute();
      const message = (seq: number, fields: Record<string, unknown>) =>
        ({
          id: `m${String(seq).padStart(4, '0')}`,
          room_id: 'r1',
          seq,
          kind: 'user',
          author_id: 'u1',
          client_msg_id: null,
          text: '',
          system: null,
          reply_to: null,
          created_at: seq,
          edited_at: null,
          deleted_at: null,
          ...fields,
        }) as never;
      await old
        .insertInto('messages')
        .values([
          ...Array.from({ length: OLD }, (_, i) => message(i + 1, { text: `legacy note ${i + 1}` })),
          message(OLD + 1, { kind: 'system', system: 'joined', text: 'legacy system line' }),
          message(OLD + 2, { text: '', deleted_at: 5 }),
        ])
        .execute();
    } finally {
      await old.destroy();
    }
    const database = await made.open();
    try {
      const find = async (term: string) =>
        searchMessages(database.db, { userId: 'u1', terms: [term], limit: 10 });
      // An old message edited before the backfill reaches it: found once, by its new text.
      await shortTransaction(database, (trx) => updateMessageText(trx, 'm0001', 'legacy note rewritten', 10));
      // Until the backfill has run, SQLite finds only what the triggers indexed.
      expect((await find('legacy')).total).toBe(backend.name === 'sqlite' ? 1 : OLD);

      const steps: number[] = [];
      for (;;) {
        const step = await database.writer.transaction().execute((trx) => backfillSearchIndex(trx, 100));
        if (step.examined === 0) break;
        steps.push(step.examined);
      }
      // 252 rows on SQLite, 100 at a time; nothing to do on PostgreSQL.
      expect(steps).toEqual(backend.name === 'sqlite' ? [100, 100, 52] : []);

      expect(await find('legacy')).toMatchObject({ total: OLD, totalCapped: false });
      expect((await find('legacy')).rows[0]!.id).toBe('m0250');
      expect((await find('rewritten')).rows.map((row) => row.id)).toEqual(['m0001']);
      expect((await find('system line')).total).toBe(0);

      // A rebuild starts over and ends where it was.
      await database.writer.transaction().execute((trx) => resetSearchIndex(trx));
      while (
        (await database.writer.transaction().execute((trx) => backfillSearchIndex(trx, 1000))).examined > 0
      );
      expect(await find('legacy')).toMatchObject({ total: OLD });
    } finally {
      await database.close();
      await made.drop();
    }
  });
});
