import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { Operator } from '../../src/server/services/operator.js';
import { databaseMadeAt, migrationBackends, servicesOn } from '../helpers/migrations.js';

/**
 * Migration 009 adds one-time sign-in links. A database made before it keeps its accounts, and
 * a link issued on it afterwards lets its user set a new password — once.
 */
describe.each(migrationBackends)('sign-in links migration on $name', (backend) => {
  it('keeps the accounts, and a link issued after it works once', async () => {
    const made = await databaseMadeAt(backend, '007-roles');
    try {
      await made.old
        .insertInto('users')
        .values({
          id: 'u1',
          username: 'alice',
          username_key: 'alice',
          username_skeleton: 'alice',
          password_hash: await hash('an old password'),
          is_guest: 0,
          role: 'admin',
          created_at: 1,
          last_seen_at: null,
          name_released_at: null,
          deactivated_at: null,
        })
        .execute();
      await made.old.destroy();
      const database = await made.open();
      try {
        const { token } = await new Operator({ database, now: Date.now }).signInLink('alice', 60_000);
        const stored = await database.db.selectFrom('sign_in_links').selectAll().execute();
        expect(stored).toHaveLength(1);
        // Only the token's hash is kept.
        expect(JSON.stringify(stored)).not.toContain(token);
        const services = await servicesOn(database);
        const signedIn = await services.auth.signInWithLink(token, 'a new password', '127.0.0.1');
        expect(signedIn.session.user.username).toBe('alice');
        await expect(services.auth.login('alice', 'a new password', '127.0.0.1')).resolves.toBeTruthy();
        await expect(services.auth.signInWithLink(token, 'a third password', '127.0.0.1')).rejects.toThrow(
          'already used',
        );
        await services.writes.close();
      } finally {
        await database.close();
      }
    } finally {
      await made.drop();
    }
  });
});
