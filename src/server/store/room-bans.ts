import type { Executor } from './executor.js';

/** Queries of room bans: who may not come back into a room (domain/permissions.ts). */

export async function insertBan(
  db: Executor,
  ban: { roomId: string; userId: string; bannedBy: string; reason: string | null; at: number },
): Promise<void> {
  await db
    .insertInto('room_bans')
    .values({
      room_id: ban.roomId,
      user_id: ban.userId,
      banned_by: ban.bannedBy,
      reason: ban.reason,
      created_at: ban.at,
    })
    // Banned again (a new reason): the first ban stands, with its time.
    .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
    .execute();
}

/** Lifts a ban; false when there was none. */
export async function deleteBan(db: Executor, roomId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('room_bans')
    .where('room_id', '=', roomId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function isBanned(db: Executor, roomId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('room_bans')
    .select('user_id')
    .where('room_id', '=', roomId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export function listBans(db: Executor, roomId: string) {
  return db
    .selectFrom('room_bans')
    .innerJoin('users', 'users.id', 'room_bans.user_id')
    .select(['users.id', 'users.username', 'users.is_guest', 'room_bans.reason', 'room_bans.created_at'])
    .where('room_bans.room_id', '=', roomId)
    .orderBy('room_bans.created_at')
    .execute();
}
