import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { databaseMadeAt, migrationBackends, servicesOn } from '../helpers/migrations.js';

/**
 * Migration 005 rekeys every account from the one folded key to a lower-cased key and a
 * look-alike skeleton. Accounts that the old key let in side by side although they look
 * alike (AIice beside Alice) must come through it, keep their names and still sign in.
 */
describe.each(migrationBackends)('username migration on $name', (backend) => {
  it('rekeys existing accounts, keeps look-alikes that got in before it, and blocks new ones', async () => {
    const made = await databaseMadeAt(backend, '004-messages-are-log-entries');
    const { old } = made;
    const database = await (async () => {
      try {
        const passwordHash = await hash('long enough pw');
        // Old keys as the old folding made them: lower-cased, so `I` became `i`, never `l`.
        const accounts = [
          ['u1', 'Alice', 'alice', 1],
          ['u2', 'AIice', 'aiice', 2],
          ['u3', 'mallory', 'mallory', 3],
          ['u4', 'rnallory', 'rnallory', 4],
          // An old key equal to an older account's new one: rekeying must not trip over it.
          ['u5', 'Zed', 'zed-old', 5],
          ['u6', 'Zeb', 'zed', 6],
          // A guest whose name was released.
          ['u7', 'Visitor', null, 7],
        ] as const;
        await old
          .insertInto('users')
          .values(
            accounts.map(([id, username, key, createdAt]) => ({
              id,
              username,
              username_key: key,
              password_hash: id === 'u7' ? null : passwordHash,
              is_guest: id === 'u7' ? 1 : 0,
              created_at: createdAt,
              last_seen_at: null,
            })) as never,
          )
          .execute();
      } finally {
        await old.destroy();
      }
      return made.open();
    })();
    try {
      const rows = await database.db
        .selectFrom('users')
        .select(['id', 'username_key', 'username_skeleton'])
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { id: 'u1', username_key: 'alice', username_skeleton: 'alice' },
        { id: 'u2', username_key: 'aiice', username_skeleton: null },
        { id: 'u3', username_key: 'mallory', username_skeleton: 'rnallory' },
        { id: 'u4', username_key: 'rnallory', username_skeleton: null },
        { id: 'u5', username_key: 'zed', username_skeleton: 'zed' },
        { id: 'u6', username_key: 'zeb', username_skeleton: 'zeb' },
        { id: 'u7', username_key: null, username_skeleton: null },
      ]);

      const { auth, writes } = await servicesOn(database);
      try {
        for (const [typed, id] of [
          ['AIice', 'u2'],
          ['alice', 'u1'],
          ['ALICE', 'u1'],
          ['rnallory', 'u4'],
          ['mallory', 'u3'],
          ['zeb', 'u6'],
        ]) {
          const { session } = await auth.login(typed!, 'long enough pw', 'test');
          expect(session.user.id, typed).toBe(id);
        }
        for (const lookAlike of ['A1ice', 'AIICE', 'RNALLORY', 'Zeb']) {
          await expect(auth.register(lookAlike, 'long enough pw', 'test'), lookAlike).rejects.toMatchObject({
            code: 'conflict',
          });
        }
        await expect(auth.guest('visitor', 'test')).resolves.toBeTruthy();
      } finally {
        await writes.close();
      }
    } finally {
      await database.close();
      await made.drop();
    }
  });
});
