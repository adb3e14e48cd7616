import type { Selectable } from 'kysely';
import type { Executor } from './executor.js';
import type { InvitesTable } from './schema.js';

export type InviteRow = Selectable<InvitesTable>;

export async function insertInvite(db: Executor, row: Omit<InviteRow, 'uses' | 'revoked_at'>): Promise<void> {
  await db.insertInto('invites').values(row).execute();
}

export function findInviteById(db: Executor, id: string) {
  return db.selectFrom('invites').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findInviteByTokenHash(db: Executor, tokenHash: string) {
  return db.selectFrom('invites').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/**
 * Takes one use of the invite if it still has one: a single conditional UPDATE, so of two
 * sign-ups racing for the last use (on any node) exactly one gets it. True when it did.
 */
export async function takeInviteUse(db: Executor, id: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('invites')
    .set((eb) => ({ uses: eb('uses', '+', 1) }))
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertInviteUse(
  db: Executor,
  inviteId: string,
  userId: string,
  at: number,
): Promise<void> {
  await db.insertInto('invite_uses').values({ invite_id: inviteId, user_id: userId, used_at: at }).execute();
}

export async function revokeInvite(db: Executor, id: string, at: number): Promise<void> {
  await db
    .updateTable('invites')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Invites with their creator, newest first; only `createdBy`'s when given. */
export function listInvites(db: Executor, createdBy?: string, id?: string) {
  let query = db
    .selectFrom('invites')
    .leftJoin('users', 'users.id', 'invites.created_by')
    .selectAll('invites')
    .select([
      'users.username as creator_name',
      'users.is_guest as creator_is_guest',
      'users.role as creator_role',
      'users.deactivated_at as creator_deactivated_at',
    ])
    .orderBy('invites.created_at', 'desc')
    .orderBy('invites.id', 'desc');
  if (createdBy !== undefined) query = query.where('invites.created_by', '=', createdBy);
  if (id !== undefined) query = query.where('invites.id', '=', id);
  return query.execute();
}

/** Who registered with these invites, in the order they did. */
export async function listInviteUses(db: Executor, inviteIds: readonly string[]) {
  if (inviteIds.length === 0) return [];
  return db
    .selectFrom('invite_uses')
    .innerJoin('users', 'users.id', 'invite_uses.user_id')
    .select(['invite_uses.invite_id', 'invite_uses.used_at', 'users.id', 'users.username', 'users.is_guest'])
    .where('invite_uses.invite_id', 'in', inviteIds)
    .orderBy('invite_uses.used_at')
    .orderBy('users.id')
    .execute();
}
