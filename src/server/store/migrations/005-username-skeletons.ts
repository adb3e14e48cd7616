import { type Kysely, sql, type Transaction } from 'kysely';
import { usernameKey, usernameSkeleton } from '../../domain/usernames.js';

/**
 * Usernames get two keys instead of one folded key (domain/usernames.ts): `username_key`
 * becomes the name lower-cased, and the new `username_skeleton` is what it looks like. Both are
 * recomputed from the stored display name of every account that holds its name.
 *
 * Two accounts made before this migration may look alike under the new rule (`Alice` and
 * `AIice` both got in before it). Neither is renamed or locked out: the older account keeps
 * the skeleton, the newer one keeps its name and logs in by it as before, with no skeleton of
 * its own — the older one's still blocks every further look-alike.
 *
 * The new lower-cased keys cannot collide: the old key was a function of the lower-cased name
 * and was UNIQUE, so two accounts never shared a lower-cased name.
 *
 * This uses today's name functions. Should they change, a later migration recomputes the keys
 * again (with the same care for accounts that now collide); running this one with newer
 * functions on an old database is then harmless.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('username_skeleton', 'text').execute();
  // PostgreSQL runs each migration in a transaction already; SQLite's does not (no
  // transactional DDL in Kysely's eyes), and one commit per account would be one fsync each.
  if (db.isTransaction) await rekey(db as Transaction<unknown>);
  else await db.transaction().execute(rekey);
  await db.schema
    .createIndex('users_username_skeleton')
    .unique()
    .on('users')
    .column('username_skeleton')
    .execute();
}

async function rekey(trx: Transaction<unknown>): Promise<void> {
  const users = await sql<{ id: string; username: string }>`
    select id, username from users where username_key is not null order by created_at, id`.execute(trx);
  // A new key may equal another account's old one until that account is rekeyed too: park
  // every key on a value no name can have ('#' is not allowed in names) first.
  await sql`update users set username_key = '#' || id where username_key is not null`.execute(trx);
  const skeletonsTaken = new Set<string>();
  for (const user of users.rows) {
    const skeleton = usernameSkeleton(user.username);
    const keep = !skeletonsTaken.has(skeleton);
    skeletonsTaken.add(skeleton);
    await sql`
      update users set username_key = ${usernameKey(user.username)},
        username_skeleton = ${keep ? skeleton : null}
      where id = ${user.id}`.execute(trx);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The old folded keys cannot be rebuilt without the old folding code: names keep their
  // lower-cased keys, which the code before this migration does not compare the same way.
  await db.schema.dropIndex('users_username_skeleton').execute();
  await db.schema.alterTable('users').dropColumn('username_skeleton').execute();
}
