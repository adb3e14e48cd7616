import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/server/domain/settings.js';
import { databaseMadeAt, migrationBackends, servicesOn } from '../helpers/migrations.js';

/**
 * Migration 010 adds the settings and invite tables. A database made by the release before it
 * keeps every user and room; its first start stores the environment's defaults, and those then
 * count (an admin can make invites, a closed server refuses new accounts, everyone signs in).
 */
describe.each(migrationBackends)('settings and invites migration on $name', (backend) => {
  it('keeps users and rooms, takes the first start’s defaults, and lets invites in', async () => {
    const made = await databaseMadeAt(backend, '007-roles');
    const { old } = made;
    const passwordHash = await hash('long enough pw');
    try {
      const user = (id: string, name: string, role: string) => ({
        id,
        username: name,
        username_key: name,
        username_skeleton: name,
        password_hash: passwordHash,
        is_guest: 0,
        created_at: 1,
        last_seen_at: null,
        name_released_at: null,
        role,
        deactivated_at: null,
      });
      await old
        .insertInto('users')
        .values([user('u1', 'alice', 'admin'), user('u2', 'bob', 'member')] as never)
        .execute();
      await old
        .insertInto('rooms')
        .values({
          id: 'r1',
          kind: 'group',
          name: 'plans',
          owner_id: 'u2',
          last_seq: 0,
          member_count: 1,
          created_at: 4,
        } as never)
        .execute();
    } finally {
      await old.destroy();
    }
    const database = await made.open();
    try {
      expect(await database.db.selectFrom('users').select(['id', 'role']).orderBy('id').execute()).toEqual([
        { id: 'u1', role: 'admin' },
        { id: 'u2', role: 'member' },
      ]);
      expect(
        await database.db.selectFrom('rooms').select('id').where('id', '=', 'r1').execute(),
      ).toHaveLength(1);
      expect(await database.db.selectFrom('settings').selectAll().execute()).toEqual([]);

      const { auth, settings, invites, writes } = await servicesOn(database);
      try {
        // Nothing stored yet: the defaults, as before this migration.
        expect(await settings.get()).toEqual(DEFAULT_SETTINGS);
        await settings.seed(database.writer, { ...DEFAULT_SETTINGS, signupPolicy: 'closed' });
        // Seeding again (the next start, another node) changes nothing.
        await settings.seed(database.writer, DEFAULT_SETTINGS);
        expect((await settings.get()).signupPolicy).toBe('closed');
        await expect(auth.register('carol', 'long enough pw', 'test')).rejects.toMatchObject({
          code: 'forbidden',
        });
        expect((await auth.login('bob', 'long enough pw', 'test')).session.role).toBe('member');

        await settings.update('u1', { signupPolicy: 'invite' });
        const { token } = await invites.create('u1', { maxUses: 1 });
        expect((await auth.register('carol', 'long enough pw', 'test', token)).session.role).toBe('member');
        const [listed] = await invites.list('u1');
        expect(listed).toMatchObject({
          uses: 1,
          state: 'used-up',
          usedBy: [{ user: { username: 'carol' } }],
        });
      } finally {
        await writes.close();
      }
    } finally {
      await database.close();
      await made.drop();
    }
  });
});
