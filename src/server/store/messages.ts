import type { Selectable } from 'kysely';
import type { Executor } from './executor.js';
import { timeOrderedId } from './ids.js';
import { preparedQuery } from './prepared.js';
import type { MessagesTable } from './schema.js';

/** Queries of the messages aggregate: user messages and the system lines of joins and leaves. */

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

/**
 * The oldest of one author's messages not yet deleted, in every room: a bulk removal's next
 * batch (services/user-admin.ts). Their own messages only, never the joined/left lines.
 */
export function messagesOfAuthor(db: Executor, authorId: string, limit: number) {
  return db
    .selectFrom('messages')
    .select(['id', 'room_id'])
    .where('author_id', '=', authorId)
    .where('kind', '=', 'user')
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/**
 * One side of a history page, deleted messages left out: newest first before a seq (scrolling
 * back), oldest first after one (catching up forward), each nearest the seq first.
 */
const messagesBesideQuery = (side: 'before' | 'after') =>
  preparedQuery((db, p: { roomId: string; seq: number; limit: number }) =>
    db
      .selectFrom('messages')
      .selectAll()
      .where('room_id', '=', p.roomId)
      .where('seq', side === 'before' ? '<' : '>', p.seq)
      .where('deleted_at', 'is', null)
      .orderBy('seq', side === 'before' ? 'desc' : 'asc')
      .limit(p.limit),
  );
const messagesBeforeQuery = messagesBesideQuery('before');
const messagesAfterQuery = messagesBesideQuery('after');

export async function messagesBefore(db: Executor, roomId: string, beforeSeq: number, limit: number) {
  return (await messagesBeforeQuery(db, { roomId, seq: beforeSeq, limit })).rows;
}

export async function messagesAfter(db: Executor, roomId: string, afterSeq: number, limit: number) {
  return (await messagesAfterQuery(db, { roomId, seq: afterSeq, limit })).rows;
}

/** A message of one room by id, deleted or not (a link to a deleted message still has a place). */
export function findMessageInRoom(db: Executor, roomId: string, id: string) {
  return db
    .selectFrom('messages')
    .select(['id', 'seq'])
    .where('id', '=', id)
    .where('room_id', '=', roomId)
    .executeTakeFirst();
}

export function messagesByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as MessageRow[]);
  return db.selectFrom('messages').selectAll().where('id', 'in', ids).execute();
}
