import { randomUUID } from 'node:crypto';
import { type Kysely, PostgresAdapter, type Selectable, sql } from 'kysely';
import {
  type Attachment,
  LIMITS,
  type LogEventType,
  type Message,
  type PublicUser,
  type RoomKind,
} from '../../shared/protocol.js';
import { groupReactions, replyExcerpt } from '../domain/messages.js';
import type { MemberRole, RoomRecord } from '../domain/rooms.js';
import { timeOrderedId } from './ids.js';
import { preparedQuery } from './prepared.js';
import type {
  MessagesTable,
  RoomEventsTable,
  RoomsTable,
  Schema,
  UploadsTable,
  UsersTable,
} from './schema.js';

/**
 * Every query Parley runs, as functions of an executor: the database itself for reads, or the
 * write queue's transaction for writes. Parameterised through Kysely only: no string-built SQL.
 */
export type Executor = Kysely<Schema>;

// ---------------------------------------------------------------------------------------------
// Users and sessions
// ---------------------------------------------------------------------------------------------

export type UserRow = Selectable<UsersTable>;

export const toPublicUser = (row: Pick<UserRow, 'id' | 'username' | 'is_guest'>): PublicUser => ({
  id: row.id,
  username: row.username,
  guest: row.is_guest === 1,
});

export function findUserById(db: Executor, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The account whose name is `key` when compared for case, else the one whose name looks like
 * `skeleton` (domain/usernames.ts). Each column is UNIQUE, so there is at most one of each.
 */
export function findUserByName(db: Executor, name: { key: string; skeleton: string }) {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.or([eb('username_key', '=', name.key), eb('username_skeleton', '=', name.skeleton)]))
    .orderBy(sql`case when username_key = ${name.key} then 0 else 1 end`)
    .limit(1)
    .executeTakeFirst();
}

export function findUsersByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as UserRow[]);
  return db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
}

export async function insertUser(db: Executor, user: UserRow): Promise<void> {
  await db.insertInto('users').values(user).execute();
}

/** Names starting with `prefix.key` when compared for case, or with `prefix.skeleton` for looks. */
export function searchUsers(db: Executor, prefix: { key: string; skeleton: string }, limit: number) {
  // ESCAPE is explicit: SQLite's LIKE has no default escape character.
  const startsWith = (column: 'username_key' | 'username_skeleton', value: string) =>
    sql<boolean>`${sql.ref(column)} like ${`${value.replace(/[\\%_]/g, '\\$&')}%`} escape '\\'`;
  return db
    .selectFrom('users')
    .select(['id', 'username', 'is_guest'])
    .where((eb) =>
      eb.or([startsWith('username_key', prefix.key), startsWith('username_skeleton', prefix.skeleton)]),
    )
    .orderBy('username_key')
    .limit(limit)
    .execute();
}

export async function insertSession(
  db: Executor,
  session: { id: string; userId: string; createdAt: number; expiresAt: number },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      user_id: session.userId,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
    })
    .execute();
}

// Every handshake runs this: a reconnect storm runs it thousands of times a second.
const sessionWithUserQuery = preparedQuery((db, p: { sessionId: string }) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as session_id',
      'sessions.expires_at',
      'users.id',
      'users.username',
      'users.is_guest',
      'users.password_hash',
    ])
    .where('sessions.id', '=', p.sessionId),
);

export async function findSessionWithUser(db: Executor, sessionId: string) {
  return (await sessionWithUserQuery(db, { sessionId })).rows[0];
}

// ---------------------------------------------------------------------------------------------
// Rooms and membership
// ---------------------------------------------------------------------------------------------

export type RoomRow = Selectable<RoomsTable>;

export const toRoomRecord = (row: RoomRow): RoomRecord => ({
  id: row.id,
  kind: row.kind as RoomKind,
  name: row.name,
  code: row.code,
  ownerId: row.owner_id,
  maxMembers: row.max_members,
  lastSeq: row.last_seq,
  createdAt: row.created_at,
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
    ...fields,
  };
}

export async function insertRoom(db: Executor, room: RoomRow): Promise<void> {
  await db.insertInto('rooms').values(room).execute();
}

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
    ])
    .where('room_members.room_id', '=', roomId)
    .orderBy('room_members.joined_at')
    .execute();
}

export function roomsOfUser(db: Executor, userId: string, onlyRoomId?: string) {
  let query = db
    .selectFrom('room_members')
    .innerJoin('rooms', 'rooms.id', 'room_members.room_id')
    .selectAll('rooms')
    .select(['room_members.last_read_seq', 'room_members.role'])
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

/** For each room, the member other than `userId` (DMs and matches have exactly two). */
export async function peersOf(db: Executor, userId: string, roomIds: readonly string[]) {
  const peers = new Map<string, PublicUser>();
  if (roomIds.length === 0) return peers;
  const rows = await db
    .selectFrom('room_members')
    .innerJoin('users', 'users.id', 'room_members.user_id')
    .select(['room_members.room_id', 'users.id', 'users.username', 'users.is_guest'])
    .where('room_members.room_id', 'in', roomIds)
    .where('room_members.user_id', '<>', userId)
    .execute();
  for (const row of rows) peers.set(row.room_id, toPublicUser(row));
  return peers;
}

export async function setLastRead(db: Executor, roomId: string, userId: string, seq: number) {
  await db
    .updateTable('room_members')
    .set({ last_read_seq: seq })
    .where('room_id', '=', roomId)
    .where('user_id', '=', userId)
    .where('last_read_seq', '<', seq)
    .execute();
}

export function listChannels(db: Executor) {
  return db.selectFrom('rooms').selectAll().where('kind', '=', 'channel').orderBy('name_key').execute();
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
  await db.deleteFrom('rooms').where('id', '=', roomId).execute();
}

// ---------------------------------------------------------------------------------------------
// The room log
// ---------------------------------------------------------------------------------------------

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

/**
 * Hands out the room's next sequence number. The UPDATE takes the room row's write lock, so
 * on PostgreSQL concurrent writers on any number of nodes queue up behind each other per room
 * and never get the same number; on SQLite the write queue serialises all writers anyway.
 */
const nextSeqQuery = preparedQuery((db, p: { roomId: string }) =>
  db
    .updateTable('rooms')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('id', '=', p.roomId)
    .returning('last_seq'),
);

export async function nextSeq(db: Executor, roomId: string): Promise<number> {
  const row = (await nextSeqQuery(db, { roomId })).rows[0];
  if (!row) throw new Error(`room ${roomId} does not exist`);
  return Number(row.last_seq);
}

const nextSeqForMemberQuery = preparedQuery((db, p: { roomId: string; userId: string }) =>
  db
    .updateTable('rooms')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('id', '=', p.roomId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('room_members')
          .select('room_members.user_id')
          .whereRef('room_members.room_id', '=', 'rooms.id')
          .where('room_members.user_id', '=', p.userId)
          // PostgreSQL: an UPDATE that waited for the room's lock re-checks the room row but
          // would read the membership from its old snapshot; locking the membership row makes
          // it see a removal committed meanwhile. (SQLite has one writer: nothing to wait for.)
          .$if(db.getExecutor().adapter instanceof PostgresAdapter, (qb) => qb.forKeyShare()),
      ),
    )
    .returning('last_seq'),
);

/**
 * `nextSeq` for a member of the room, in one statement with the membership check (the send
 * path's hottest pair); undefined, with nothing changed, when `userId` is not a member —
 * including one whose removal another node committed while this statement waited.
 */
export async function nextSeqForMember(db: Executor, roomId: string, userId: string) {
  const row = (await nextSeqForMemberQuery(db, { roomId, userId })).rows[0];
  return row ? Number(row.last_seq) : undefined;
}

/** Log entries that are messages themselves (see logAfter); the rest are stored as changes. */
type MessageEntryType = 'message:new' | 'room:member-joined' | 'room:member-left';

export interface LogEntry {
  roomId: string;
  seq: number;
  type: Exclude<LogEventType, MessageEntryType>;
  messageId: string | null;
  userId: string | null;
  at: number;
}

const appendEventQuery = preparedQuery((db, p: LogEntry) =>
  db.insertInto('room_events').values({
    room_id: p.roomId,
    seq: p.seq,
    type: p.type,
    message_id: p.messageId,
    user_id: p.userId,
    created_at: p.at,
  } satisfies Record<keyof RoomEventRow, unknown>),
);

export async function appendEvent(db: Executor, event: LogEntry): Promise<void> {
  await appendEventQuery(db, event);
}

export type RoomEventRow = Selectable<RoomEventsTable>;

/**
 * The room's log after `afterSeq`, in seq order: the changes kept in `room_events`, merged with
 * the messages themselves — a message's row is its own log entry (`message:new`, or a join or
 * leave for a system line), so a send writes one row, not two. Each side is cut at `limit`
 * before the merge, so a long log costs one page's worth of rows from each index.
 */
const logAfterQuery = preparedQuery((db, p: { roomId: string; afterSeq: number; limit: number }) =>
  db
    .selectFrom(
      db
        .selectFrom('room_events')
        // Named, not `*`: both sides of the UNION must list the same columns in the same order.
        .select(['room_id', 'seq', 'type', 'message_id', 'user_id', 'created_at'])
        .where('room_id', '=', p.roomId)
        .where('seq', '>', p.afterSeq)
        .orderBy('seq')
        .limit(p.limit)
        .as('changes'),
    )
    .selectAll()
    .unionAll(
      db
        .selectFrom(
          db
            .selectFrom('messages')
            .select((eb) => [
              'room_id',
              'seq',
              eb
                .case()
                .when('kind', '=', 'user')
                .then('message:new' as MessageEntryType)
                .when('system', '=', 'joined')
                .then('room:member-joined' as MessageEntryType)
                .else('room:member-left' as MessageEntryType)
                .end()
                .as('type'),
              'id as message_id',
              'author_id as user_id',
              'created_at',
            ])
            .where('room_id', '=', p.roomId)
            .where('seq', '>', p.afterSeq)
            .orderBy('seq')
            .limit(p.limit)
            .as('entries'),
        )
        .selectAll(),
    )
    .orderBy('seq')
    .limit(p.limit),
);

export async function logAfter(
  db: Executor,
  roomId: string,
  afterSeq: number,
  limit: number,
): Promise<RoomEventRow[]> {
  return (await logAfterQuery(db, { roomId, afterSeq, limit })).rows;
}

// ---------------------------------------------------------------------------------------------
// Messages and reactions
// ---------------------------------------------------------------------------------------------

export type MessageRow = Selectable<MessagesTable>;

/** A new message row: a time-ordered id (see ids.ts); unset fields are null. */
export function messageRow(
  fields: Pick<MessageRow, 'room_id' | 'seq' | 'kind' | 'author_id' | 'created_at'> &
    Partial<Pick<MessageRow, 'client_msg_id' | 'text' | 'system' | 'reply_to'>>,
): MessageRow {
  return {
    id: timeOrderedId(fields.created_at),
    client_msg_id: null,
    text: '',
    system: null,
    reply_to: null,
    edited_at: null,
    deleted_at: null,
    ...fields,
  };
}

const insertMessageQuery = preparedQuery((db, p: MessageRow) =>
  db.insertInto('messages').values({
    id: p.id,
    room_id: p.room_id,
    seq: p.seq,
    kind: p.kind,
    author_id: p.author_id,
    client_msg_id: p.client_msg_id,
    text: p.text,
    system: p.system,
    reply_to: p.reply_to,
    created_at: p.created_at,
    edited_at: p.edited_at,
    deleted_at: p.deleted_at,
    // Every column, checked by the compiler: a column missing here would silently go unwritten.
  } satisfies Record<keyof MessageRow, unknown>),
);

export async function insertMessage(db: Executor, row: MessageRow): Promise<void> {
  await insertMessageQuery(db, row);
}

export function findMessage(db: Executor, id: string) {
  return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
}

const messageByClientIdQuery = preparedQuery((db, p: { authorId: string; clientMsgId: string }) =>
  db
    .selectFrom('messages')
    .selectAll()
    .where('author_id', '=', p.authorId)
    .where('client_msg_id', '=', p.clientMsgId),
);

export async function findMessageByClientId(db: Executor, authorId: string, clientMsgId: string) {
  return (await messageByClientIdQuery(db, { authorId, clientMsgId })).rows[0];
}

export async function updateMessageText(db: Executor, id: string, text: string, at: number) {
  await db.updateTable('messages').set({ text, edited_at: at }).where('id', '=', id).execute();
}

/** Deletion keeps a tombstone (for the log and for replies) but drops the text and reactions. */
export async function tombstoneMessage(db: Executor, id: string, at: number) {
  await db.updateTable('messages').set({ text: '', deleted_at: at }).where('id', '=', id).execute();
  await db.deleteFrom('reactions').where('message_id', '=', id).execute();
}

/** Adds the reaction if absent, removes it if present; returns whether it is now present. */
export async function toggleReaction(
  db: Executor,
  r: { messageId: string; userId: string; emoji: string; at: number },
): Promise<boolean> {
  const removed = await db
    .deleteFrom('reactions')
    .where('message_id', '=', r.messageId)
    .where('user_id', '=', r.userId)
    .where('emoji', '=', r.emoji)
    .executeTakeFirst();
  if (removed.numDeletedRows > 0n) return false;
  await db
    .insertInto('reactions')
    .values({ message_id: r.messageId, user_id: r.userId, emoji: r.emoji, created_at: r.at })
    .execute();
  return true;
}

export async function countDistinctReactions(db: Executor, messageId: string): Promise<number> {
  const row = await db
    .selectFrom('reactions')
    .select((eb) => eb.fn.count<number>('emoji').distinct().as('n'))
    .where('message_id', '=', messageId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Newest first, before a sequence number; deleted messages are left out of history. */
const messagesBeforeQuery = preparedQuery((db, p: { roomId: string; beforeSeq: number; limit: number }) =>
  db
    .selectFrom('messages')
    .selectAll()
    .where('room_id', '=', p.roomId)
    .where('seq', '<', p.beforeSeq)
    .where('deleted_at', 'is', null)
    .orderBy('seq', 'desc')
    .limit(p.limit),
);

export async function messagesBefore(db: Executor, roomId: string, beforeSeq: number, limit: number) {
  return (await messagesBeforeQuery(db, { roomId, beforeSeq, limit })).rows;
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

export function messagesByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as MessageRow[]);
  return db.selectFrom('messages').selectAll().where('id', 'in', ids).execute();
}

/**
 * Turns message rows into wire messages with authors, reply previews and reactions, using
 * three queries for the whole set whatever its size.
 */
export async function hydrateMessages(db: Executor, rows: readonly MessageRow[]): Promise<Message[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const replyIds = [...new Set(rows.flatMap((r) => (r.reply_to ? [r.reply_to] : [])))];
  const replied = await messagesByIds(db, replyIds);
  const authorIds = [...new Set([...rows, ...replied].flatMap((r) => (r.author_id ? [r.author_id] : [])))];
  // Sequential on purpose: inside a transaction there is one connection to share.
  const authors = await findUsersByIds(db, authorIds);
  const reactionRows = await db.selectFrom('reactions').selectAll().where('message_id', 'in', ids).execute();
  const uploadRows = await db
    .selectFrom('uploads')
    .selectAll()
    .where('message_id', 'in', ids)
    .where('removed_at', 'is', null)
    .orderBy('attached_at')
    .execute();
  const authorById = new Map(authors.map((u) => [u.id, toPublicUser(u)]));
  const repliedById = new Map(replied.map((m) => [m.id, m]));
  const reactionsByMessage = new Map<string, { emoji: string; userId: string; createdAt: number }[]>();
  for (const r of reactionRows) {
    const list = reactionsByMessage.get(r.message_id) ?? [];
    list.push({ emoji: r.emoji, userId: r.user_id, createdAt: r.created_at });
    reactionsByMessage.set(r.message_id, list);
  }
  return rows.map((row) => {
    const quoted = row.reply_to ? repliedById.get(row.reply_to) : undefined;
    return toMessage(row, {
      author: row.author_id ? (authorById.get(row.author_id) ?? null) : null,
      reply: quoted
        ? {
            id: quoted.id,
            author: quoted.author_id ? (authorById.get(quoted.author_id) ?? null) : null,
            text: quoted.deleted_at === null ? replyExcerpt(quoted.text) : '',
            deleted: quoted.deleted_at !== null,
          }
        : null,
      reactions: groupReactions(reactionsByMessage.get(row.id) ?? []),
      attachments:
        row.deleted_at === null ? uploadRows.filter((u) => u.message_id === row.id).map(toAttachment) : [],
    });
  });
}

export function toMessage(
  row: MessageRow,
  related: Pick<Message, 'author' | 'reply' | 'reactions'> & { attachments?: Attachment[] },
): Message {
  return {
    id: row.id,
    roomId: row.room_id,
    seq: row.seq,
    kind: row.kind,
    author: related.author,
    text: row.text,
    system: row.system,
    clientMsgId: row.client_msg_id,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    deletedAt: row.deleted_at,
    replyTo: row.reply_to,
    reply: related.reply,
    reactions: related.reactions,
    attachments: related.attachments ?? [],
  };
}

export type UploadRow = Selectable<UploadsTable>;

export function toAttachment(row: UploadRow): Attachment {
  return {
    id: row.id,
    kind: row.kind,
    mime: row.mime,
    name: row.name,
    size: row.size,
    width: row.width,
    height: row.height,
    thumb: row.thumb_width && row.thumb_height ? { width: row.thumb_width, height: row.thumb_height } : null,
    url: `/files/${row.id}/${encodeURIComponent(row.name)}`,
    thumbUrl: row.thumb_width ? `/thumbs/${row.id}` : null,
  };
}

/** Binds uploads to a message: only the uploader's own, only uploads not yet attached. */
export async function attachUploads(
  db: Executor,
  ids: readonly string[],
  message: { id: string; roomId: string; authorId: string; at: number },
): Promise<UploadRow[]> {
  if (ids.length === 0) return [];
  let attached = 0;
  for (const [position, id] of ids.entries()) {
    // attached_at + position keeps the files in the order they were sent.
    const result = await db
      .updateTable('uploads')
      .set({ message_id: message.id, room_id: message.roomId, attached_at: message.at + position })
      .where('id', '=', id)
      .where('uploader_id', '=', message.authorId)
      .where('message_id', 'is', null)
      .where('removed_at', 'is', null)
      // Uploads the sweep may already be removing are no longer attachable.
      .where('created_at', '>', message.at - LIMITS.uploadAttachWindowMs)
      .executeTakeFirst();
    attached += Number(result.numUpdatedRows);
  }
  if (attached !== ids.length) return [];
  const rows = await db.selectFrom('uploads').selectAll().where('id', 'in', ids).execute();
  return ids.map((id) => rows.find((r) => r.id === id)!);
}

export async function reactionsOf(db: Executor, messageId: string) {
  const rows = await db.selectFrom('reactions').selectAll().where('message_id', '=', messageId).execute();
  return groupReactions(rows.map((r) => ({ emoji: r.emoji, userId: r.user_id, createdAt: r.created_at })));
}

// ---------------------------------------------------------------------------------------------
// Housekeeping
// ---------------------------------------------------------------------------------------------

/** Deletes expired sessions and frees the names of guests left without one. */
export async function expireSessions(db: Executor, now: number): Promise<string[]> {
  const expired = await db.deleteFrom('sessions').where('expires_at', '<=', now).returning('id').execute();
  await releaseIdleGuestNames(db);
  return expired.map((row) => row.id);
}

export async function releaseIdleGuestNames(db: Executor, userId?: string): Promise<void> {
  let query = db
    .updateTable('users')
    .set({ username_key: null, username_skeleton: null })
    .where('is_guest', '=', 1)
    .where('username_key', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('sessions').select('sessions.id').whereRef('sessions.user_id', '=', 'users.id'))),
    );
  if (userId) query = query.where('id', '=', userId);
  await query.execute();
}
