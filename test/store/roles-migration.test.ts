import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { databaseMadeAt, migrationBackends, servicesOn } from '../helpers/migrations.js';

/**
 * Migration 007 gives every user a server role. A database made before it (by the release
 * before roles) keeps every user and room: accounts become members, guests guests, the
 * oldest account the admin; owners stay owners; everyone still signs in.
 */
describe.each(migrationBackends)('roles migration on $name', (backend) => {
  it('keeps every user and room, makes the oldest account admin, and everyone still signs in', async () => {
    const made = await databaseMadeAt(backend, '006-guest-name-hold');
    const { old } = made;
    const passwordHash = await hash('long enough pw');
    try {
      const user = (id: string, name: string, createdAt: number, guest = false) => ({
        id,
        username: name,
        username_key: name,
        username_skeleton: name,
        password_hash: guest ? null : passwordHash,
        is_guest: guest ? 1 : 0,
        created_at: createdAt,
        last_seen_at: null,
        name_released_at: null,
      });
      // The guest came first: a guest never becomes the admin.
      await old
        .insertInto('users')
        .values([user('g1', 'visitor', 1, true), user('u2', 'bob', 3), user('u1', 'alice', 2)] as never)
        .execute();
      await old
        .insertInto('rooms')
        .values({
          id: 'r1',
          kind: 'group',
          name: 'plans',
          owner_id: 'u2',
          last_seq: 0,
          member_count: 2,
          created_at: 4,
        } as never)
        .execute();
      await old
        .insertInto('room_members')
        .values([
          { room_id: 'r1', user_id: 'u2', role: 'owner', joined_at: 4, last_read_seq: 0 },
          { room_id: 'r1', user_id: 'u1', role: 'member', joined_at: 4, last_read_seq: 0 },
        ])
        .execute();
    } finally {
      await old.destroy();
    }
    const database = await made.open();
    try {
      const users = await database.db
        .selectFrom('users')
        .select(['id', 'username', 'role', 'deactivated_at'])
        .orderBy('id')
        .execute();
      expect(users).toEqual([
        { id: 'g1', username: 'visitor', role: 'guest', deactivated_at: null },
        { id: 'u1', username: 'alice', role: 'admin', deactivated_at: null },
        { id: 'u2', username: 'bob', role: 'member', deactivated_at: null },
      ]);
      const members = await database.db
        .selectFrom('room_members')
        .select(['user_id', 'role'])
        .where('room_id', '=', 'r1')
        .orderBy('user_id')
        .execute();
      expect(members).toEqual([
        { user_id: 'u1', role: 'member' },
        { user_id: 'u2', role: 'owner' },
      ]);

      const { auth, writes } = await servicesOn(database);
      try {
        expect((await auth.login('alice', 'long enough pw', 'test')).session.role).toBe('admin');
        expect((await auth.login('bob', 'long enough pw', 'test')).session.role).toBe('member');
        // Not a fresh server any more: a new account is a member.
        expect((await auth.register('carol', 'long enough pw', 'test')).session.role).toBe('member');
      } finally {
        await writes.close();
      }
    } finally {
      await database.close();
      await made.drop();
    }
  });
});
