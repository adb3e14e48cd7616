import { createHash } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { until } from '../helpers/clients.js';
import { databaseMadeAt, migrationBackends, servicesOn } from '../helpers/migrations.js';

/**
 * Migration 008 gives sessions a public id, a user agent, an address and a last-active time.
 * Sessions of a database made before it (by the release with roles, 007) must go on working —
 * signed in, listed, signed out — with the details they never had left empty until next used.
 */
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

describe.each(migrationBackends)('session details migration on $name', (backend) => {
  it('keeps sessions made before it working, with a public id each and details filled in on use', async () => {
    const made = await databaseMadeAt(backend, '007-roles');
    const { old } = made;
    const now = Date.now();
    const tokens = ['old-laptop-token', 'old-phone-token'];
    const idOf = (token: string) => createHash('sha256').update(token).digest('hex');
    try {
      await old
        .insertInto('users')
        .values({
          id: 'u1',
          username: 'Olga',
          username_key: 'olga',
          username_skeleton: 'olga',
          password_hash: await hash('long enough pw'),
          is_guest: 0,
          role: 'admin',
          created_at: now - 10_000,
          last_seen_at: null,
          name_released_at: null,
          deactivated_at: null,
        } as never)
        .execute();
      // Sessions as the code before 008 wrote them: id, user, created, expires, nothing more.
      await old
        .insertInto('sessions')
        .values(
          tokens.map((token, i) => ({
            id: idOf(token),
            user_id: 'u1',
            created_at: now - 5_000 + i,
            expires_at: now + 3_600_000,
          })) as never,
        )
        .execute();
    } finally {
      await old.destroy();
    }

    const database = await made.open();
    const services = await servicesOn(database);
    try {
      const laptop = await services.auth.authenticate(tokens[0]);
      const phone = await services.auth.authenticate(tokens[1]);
      expect(laptop?.user).toMatchObject({ id: 'u1', username: 'Olga' });
      expect(phone?.user.id).toBe('u1');
      expect(laptop?.lastActiveAt).toBeNull();

      const listed = await services.sessions.list(laptop!);
      expect(listed).toHaveLength(2);
      for (const session of listed) {
        expect(session).toMatchObject({ device: null, userAgent: null, address: null, lastActiveAt: null });
        expect(session.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }
      expect(new Set(listed.map((s) => s.id)).size).toBe(2);
      expect(listed.filter((s) => s.current)).toHaveLength(1);

      // Used again: the session learns its device, address and time.
      services.sessions.noteActivity(laptop!, { address: '::ffff:198.51.100.4', userAgent: FIREFOX });
      await until(
        async () => (await services.sessions.list(laptop!)).some((s) => s.current && s.lastActiveAt !== null),
        5_000,
        'activity recorded',
      );
      expect((await services.sessions.list(laptop!)).find((s) => s.current)).toMatchObject({
        device: 'Firefox on Linux',
        address: '198.51.100.4',
      });

      // And it signs the other old session out by the public id it was given.
      const other = listed.find((s) => !s.current)!;
      expect(await services.sessions.signOut(laptop!, other.id)).toEqual([idOf(tokens[1]!)]);
      expect(await services.auth.authenticate(tokens[1])).toBeNull();
      expect(await services.auth.authenticate(tokens[0])).not.toBeNull();
      // A new sign-in gets every detail at once.
      const { session } = await services.auth.login('olga', 'long enough pw', '203.0.113.5', FIREFOX);
      expect((await services.sessions.list(session)).find((s) => s.current)).toMatchObject({
        device: 'Firefox on Linux',
        address: '203.0.113.5',
        lastActiveAt: session.lastActiveAt,
      });
    } finally {
      await services.writes.close();
      await database.close();
      await made.drop();
    }
  });
});
