import type { MemberRole } from '../domain/rooms.js';
import type { Executor } from './executor.js';
import { preparedQuery } from './prepared.js';

/**
 * Queries of room membership: who is in which room, in what role, and how far each member
 * has read. The room's `member_count` is kept in step here, in the same statements' job.
 */

const membershipQuery = preparedQuery((db, p: { roomId: string; userId: string }) =>
  db.selectFrom('room_members').selectAll().where('room_id', '=', p.roomId).where('user_id', '=', p.userId),
);

export async function findMembership(db: Executor, roomId: string, userId: string) {
  return (await membershipQuery(db, { roomId, userId })).rows[0];
}

export async function insertMembers(
  db: Executor,
  roomId: string,
  members: { userId: string; role: MemberRole; lastReadSeq: number }[],
  at: number,
): Promise<void> {
  if (members.length === 0) return;
  await db
    .insertInto('room_members')
    .values(
      members.map((m) => ({
        room_id: roomId,
        user_id: m.userId,
        role: m.role,
        joined_at: at,
        last_read_seq: m.lastReadSeq,
      })),
    )
    .execute();
  await db
    .updateTable('rooms')
    .set((eb) => ({ member_count: eb('member_count', '+', members.length) }))
    .where('id', '=', roomId)
    .execute();
}

export async function deleteMember(db: Executor, roomId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('room_members')
    .where('room_id', '=', roomId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n) return false;
  await db
    .updateTable('rooms')
    .set((eb) => ({ member_count: eb('member_count', '-', 1) }))
    .where('id', '=', roomId)
    .execute();
  return true;
}

export async function setMemberRole(db: Executor, roomId: string, userId: string, role: MemberRole) {
  await db
    .updateTable('room_members')
    .set({ role })
    .where('room_id', '=', roomId)
    .where('user_id', '=', userId)
    .execute();
}

/** Mutes a member until `until` (ms since the epoch), or lifts the mute with null. */
export async function setMutedUntil(db: Executor, roomId: string, userId: string, until: number | null) {
  await db
    .updateTable('room_members')
    .set({ muted_until: until })
    .where('room_id', '=', roomId)
    .where('user_id', '=', userId)
    .execute();
}

const presenceRoomIdsQuery = preparedQuery((db, p: { userId: string; maxMembers: number }) =>
  db
    .selectFrom('room_members')
    .innerJoin('rooms', 'rooms.id', 'room_members.room_id')
    .select('room_members.room_id')
    .where('room_members.user_id', '=', p.userId)
    .where('rooms.member_count', '<=', p.maxMembers),
);

/** The user's rooms small enough to hear about every member's presence changes. */
export async function presenceRoomIdsOfUser(
  db: Executor,
  userId: string,
  maxMembers: number,
): Promise<string[]> {
  return (await presenceRoomIdsQuery(db, { userId, maxMembers })).rows.map((r) => r.room_id);
}

/** The room's members with their user rows, longest-standing first. */
export function listMembers(db: Executor, roomId: string) {
  return db
    .selectFrom('room_members')
    .innerJoin('users', 'users.id', 'room_members.user_id')
    .select([
      'users.id',
      'users.username',
      'users.is_guest',
      'users.last_seen_at',
      'room_members.role',
      'room_members.joined_at',
      'room_members.muted_until',
    ])
    .where('room_members.room_id', '=', roomId)
    .orderBy('room_members.joined_at')
    .execute();
}

export type MemberRow = Awaited<ReturnType<typeof listMembers>>[number];

/** The user's rooms (or one of them) with the user's read position and unread count in each. */
export function roomsOfUser(db: Executor, userId: string, onlyRoomId?: string) {
  let query = db
    .selectFrom('room_members')
    .innerJoin('rooms', 'rooms.id', 'room_members.room_id')
    .selectAll('rooms')
    .select(['room_members.last_read_seq', 'room_members.role', 'room_members.muted_until'])
    // Counted in the same statement as last_seq, so both come from one snapshot: a message
    // committed in between can never be both unread here and replayed by a later sync.
    .select((eb) =>
      eb
        .selectFrom('messages')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('messages.room_id', '=', 'rooms.id')
        .whereRef('messages.seq', '>', 'room_members.last_read_seq')
        .where('messages.kind', '=', 'user')
        .where('messages.deleted_at', 'is', null)
        .where('messages.author_id', '<>', userId)
        .as('unread'),
    )
    .where('room_members.user_id', '=', userId);
  if (onlyRoomId) query = query.where('rooms.id', '=', onlyRoomId);
  return query.orderBy('rooms.created_at').execute();
}

export type MyRoomRow = Awaited<ReturnType<typeof roomsOfUser>>[number];

/**
 * The user's rooms by name and kind only — what search needs to resolve `in:` and label its
 * hits — without roomsOfUser's unread counts, which cost a count of every unread message in
 * every room (measured: ~800 ms a search for someone with 270,000 unread).
 */
export function roomNamesOfUser(db: Executor, userId: string) {
  return db
    .selectFrom('room_members')
    .innerJoin('rooms', 'rooms.id', 'room_members.room_id')
    .select(['rooms.id', 'rooms.kind', 'rooms.name'])
    .where('room_members.user_id', '=', userId)
    .execute();
}

const roomIdsOfUserQuery = preparedQuery((db, p: { userId: string }) =>
  db.selectFrom('room_members').select('room_id').where('user_id', '=', p.userId),
);

/** Run for every connecting socket: the rooms it subscribes to. */
export async function roomIdsOfUser(db: Executor, userId: string): Promise<string[]> {
  return (await roomIdsOfUserQuery(db, { userId })).rows.map((r) => r.room_id);
}

const lastSeqsOfUserQuery = preparedQuery((db, p: { userId: string }) =>
  db
    .selectFrom('room_members')
    .innerJoin('rooms', 'rooms.id', 'room_members.room_id')
    .select(['room_members.room_id', 'rooms.last_seq'])
    .where('room_members.user_id', '=', p.userId),
);

/** The rooms a user is a member of, each with its last seq: what a sync needs to skip quiet rooms. */
export async function lastSeqsOfUser(db: Executor, userId: string): Promise<Map<string, number>> {
  const { rows } = await lastSeqsOfUserQuery(db, { userId });
  return new Map(rows.map((row) => [row.room_id, Number(row.last_seq)]));
}

const memberRoomSeqQuery = preparedQuery((db, p: { roomId: string; userId: string }) =>
  db
    .selectFrom('room_members')
    .innerJoin('rooms', 'rooms.id', 'room_members.room_id')
    .select('rooms.last_seq')
    .where('room_members.room_id', '=', p.roomId)
    .where('room_members.user_id', '=', p.userId),
);

/** The room's last seq if `userId` is a member of it, else undefined: one lookup for readers. */
export async function lastSeqForMember(db: Executor, roomId: string, userId: string) {
  const row = (await memberRoomSeqQuery(db, { roomId, userId })).rows[0];
  return row ? Number(row.last_seq) : undefined;
}

/** For each room, the user row of the member other than `userId` (DMs and matches have two). */
export async function peersOf(db: Executor, userId: string, roomIds: readonly string[]) {
  if (roomIds.length === 0) return [];
  return db
    .selectFrom('room_members')
    .innerJoin('users', 'users.id', 'room_members.user_id')
    .select(['room_members.room_id', 'users.id', 'users.username', 'users.is_guest'])
    .where('room_members.room_id', 'in', roomIds)
    .where('room_members.user_id', '<>', userId)
    .execute();
}

const lastReadUpdate = (db: Executor, roomId: string, userId: string, seq: number) =>
  db
    .updateTable('room_members')
    .set({ last_read_seq: seq })
    .where('room_id', '=', roomId)
    .where('user_id', '=', userId);

export async function setLastRead(db: Executor, roomId: string, userId: string, seq: number) {
  await lastReadUpdate(db, roomId, userId, seq).where('last_read_seq', '<', seq).execute();
}

/** Sets the read position wherever it is, back included ("mark as unread"). */
export async function resetLastRead(db: Executor, roomId: string, userId: string, seq: number) {
  await lastReadUpdate(db, roomId, userId, seq).execute();
}

/**
 * Members of code and match rooms not seen since `cutoff` (or never recorded as gone): the
 * candidates for leaving; the caller drops those who are online right now.
 */
export async function ephemeralMembersNotSeenSince(db: Executor, cutoff: number): Promise<string[]> {
  const rows = await db
    .selectFrom('room_members')
    .innerJoin('rooms', 'rooms.id', 'room_members.room_id')
    .innerJoin('users', 'users.id', 'room_members.user_id')
    .select('room_members.user_id')
    .distinct()
    .where('rooms.kind', 'in', ['code', 'match'])
    .where((eb) => eb.or([eb('users.last_seen_at', 'is', null), eb('users.last_seen_at', '<', cutoff)]))
    .execute();
  return rows.map((r) => r.user_id);
}
