import { randomUUID } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import type { RoomKind } from '../../shared/protocol.js';
import type { RoomRecord } from '../domain/rooms.js';
import type { Executor } from './executor.js';
import type { RoomsTable } from './schema.js';

/** Queries of the rooms aggregate: the room rows themselves, their lock and their lifetime. */

export type RoomRow = Selectable<RoomsTable>;

/** The room as the domain rules see it (domain/rooms.ts). */
export const toRoomRecord = (row: RoomRow): RoomRecord => ({
  id: row.id,
  kind: row.kind as RoomKind,
  name: row.name,
  code: row.code,
  ownerId: row.owner_id,
  maxMembers: row.max_members,
  lastSeq: row.last_seq,
  createdAt: row.created_at,
  readOnly: row.read_only === 1,
  archived: row.archived_at !== null,
});

export function findRoom(db: Executor, roomId: string) {
  return db.selectFrom('rooms').selectAll().where('id', '=', roomId).executeTakeFirst();
}

export function findRoomBy(db: Executor, column: 'code' | 'dm_key' | 'name_key', value: string) {
  return db.selectFrom('rooms').selectAll().where(column, '=', value).executeTakeFirst();
}

/** A new, empty room: a fresh id, no log yet, no members; unset fields are null. */
export function roomRow(
  fields: Pick<RoomRow, 'kind' | 'created_at'> &
    Partial<Pick<RoomRow, 'name' | 'name_key' | 'code' | 'dm_key' | 'owner_id' | 'max_members'>>,
): RoomRow {
  return {
    id: randomUUID(),
    name: null,
    name_key: null,
    code: null,
    dm_key: null,
    owner_id: null,
    max_members: null,
    last_seq: 0,
    member_count: 0,
    topic: null,
    description: null,
    read_only: 0,
    archived_at: null,
    ...fields,
  };
}

export async function insertRoom(db: Executor, room: RoomRow): Promise<void> {
  await db.insertInto('rooms').values(room).execute();
}

/** What a room's moderators change about it (the name's keys come with the name). */
export type RoomSettings = Partial<
  Pick<RoomRow, 'name' | 'name_key' | 'topic' | 'description' | 'read_only' | 'archived_at'>
>;

export async function updateRoomSettings(
  db: Executor,
  roomId: string,
  settings: RoomSettings,
): Promise<void> {
  await db.updateTable('rooms').set(settings).where('id', '=', roomId).execute();
}

export function listChannels(db: Executor) {
  return db.selectFrom('rooms').selectAll().where('kind', '=', 'channel').orderBy('name_key').execute();
}

export async function setRoomOwner(db: Executor, roomId: string, ownerId: string): Promise<void> {
  await db.updateTable('rooms').set({ owner_id: ownerId }).where('id', '=', roomId).execute();
}

/**
 * Takes the room row's write lock for the rest of the transaction (a no-op UPDATE, which works
 * the same on both databases). Membership counts and capacity checks must come after it, or
 * two nodes could both see room for one more member, or both miss that the room is now empty.
 */
export async function lockRoom(db: Executor, roomId: string): Promise<boolean> {
  const result = await db
    .updateTable('rooms')
    .set((eb) => ({ last_seq: eb.ref('last_seq') }))
    .where('id', '=', roomId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function countMembers(db: Executor, roomId: string): Promise<number> {
  const row = await db.selectFrom('rooms').select('member_count').where('id', '=', roomId).executeTakeFirst();
  return row?.member_count ?? 0;
}

export async function countMembersByRoom(db: Executor, roomIds: readonly string[]) {
  const counts = new Map<string, number>();
  if (roomIds.length === 0) return counts;
  const rows = await db
    .selectFrom('rooms')
    .select(['id', 'member_count'])
    .where('id', 'in', roomIds)
    .execute();
  for (const row of rows) counts.set(row.id, row.member_count);
  return counts;
}

export async function emptyEphemeralRooms(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom('rooms')
    .select('id')
    .where('kind', 'in', ['code', 'match'])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('room_members').select('user_id').whereRef('room_members.room_id', '=', 'rooms.id'),
        ),
      ),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** Removes a room and everything in it: its log, messages, reactions and memberships. */
export async function deleteRoomCascade(db: Executor, roomId: string): Promise<void> {
  await db
    .deleteFrom('reactions')
    .where('message_id', 'in', db.selectFrom('messages').select('id').where('room_id', '=', roomId))
    .execute();
  await db.deleteFrom('messages').where('room_id', '=', roomId).execute();
  await db.deleteFrom('room_events').where('room_id', '=', roomId).execute();
  await db.deleteFrom('room_members').where('room_id', '=', roomId).execute();
  await db.deleteFrom('room_bans').where('room_id', '=', roomId).execute();
  await db.deleteFrom('reports').where('room_id', '=', roomId).execute();
  await db.deleteFrom('rooms').where('id', '=', roomId).execute();
}

/**
 * The admin page's rooms: channels, groups and code rooms (never DMs or matches), newest first,
 * or those whose name starts with `prefix` (lower-cased), with their owner's name.
 */
export function listRoomsForAdmin(db: Executor, prefix: string | undefined, limit: number) {
  let query = db
    .selectFrom('rooms')
    .leftJoin('users', 'users.id', 'rooms.owner_id')
    .select([
      'rooms.id',
      'rooms.kind',
      'rooms.name',
      'rooms.member_count',
      'rooms.archived_at',
      'rooms.created_at',
      'users.id as owner_id',
      'users.username as owner_username',
      'users.is_guest as owner_is_guest',
    ])
    .where('rooms.kind', 'in', ['channel', 'group', 'code']);
  if (prefix) {
    const like = `${prefix.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
    query = query.where(sql<boolean>`lower(rooms.name) like ${like} escape '\\'`);
  }
  return query.orderBy('rooms.created_at', 'desc').orderBy('rooms.id').limit(limit).execute();
}
