import type { ExpressionBuilder, Insertable, Selectable } from 'kysely';
import { LIMITS } from '../../shared/protocol.js';
import type { Executor } from './executor.js';
import type { Schema, UploadsTable } from './schema.js';

/** Queries of the uploads aggregate. The file bytes themselves live in the FileStore. */

export type UploadRow = Selectable<UploadsTable>;

export async function insertUpload(db: Executor, row: Insertable<UploadsTable>): Promise<void> {
  await db.insertInto('uploads').values(row).execute();
}

/** Takes back the row of an upload whose bytes could not be stored; only while unattached. */
export async function deleteUnattachedUpload(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('uploads').where('id', '=', id).where('message_id', 'is', null).execute();
}

export async function findUpload(db: Executor, id: string): Promise<UploadRow | undefined> {
  return db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Bytes stored by one uploader since `since`, removed uploads included. */
export async function bytesUploadedSince(db: Executor, uploaderId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('uploads')
    .select((eb) => eb.fn.sum<number>('size').as('total'))
    .where('uploader_id', '=', uploaderId)
    .where('created_at', '>', since)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

/** Live uploads nobody can reach: never attached within the window, or of a deleted message. */
const unreachable = (now: number) => (eb: ExpressionBuilder<Schema, 'uploads'>) =>
  eb.and([
    eb('removed_at', 'is', null),
    eb.or([
      eb.and([eb('message_id', 'is', null), eb('created_at', '<', now - LIMITS.uploadAttachWindowMs)]),
      eb.and([
        eb('message_id', 'is not', null),
        eb.not(
          eb.exists(
            eb
              .selectFrom('messages')
              .select('messages.id')
              .whereRef('messages.id', '=', 'uploads.message_id')
              .where('messages.deleted_at', 'is', null),
          ),
        ),
      ]),
    ]),
  ]);

export async function unreachableUploadIds(db: Executor, now: number, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('uploads').select('id').where(unreachable(now)).limit(limit).execute();
  return rows.map((row) => row.id);
}

/** Marks an upload removed if it is still unreachable; false when something took it meanwhile. */
export async function markUnreachableRemoved(db: Executor, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('uploads')
    .set({ removed_at: now })
    .where('id', '=', id)
    .where(unreachable(now))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Marks an upload removed if nobody has attached it; false when a message took it meanwhile. */
export async function markUnattachedRemoved(db: Executor, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('uploads')
    .set({ removed_at: now })
    .where('id', '=', id)
    .where('message_id', 'is', null)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Rows kept a day after removal (for the daily quota) are deleted for good. */
export async function deleteRemovedBefore(db: Executor, cutoff: number): Promise<void> {
  await db.deleteFrom('uploads').where('removed_at', '<', cutoff).execute();
}

/** Of these ids, the ones with a live (not removed) row. */
export async function liveUploadIds(db: Executor, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('uploads')
    .select('id')
    .where('id', 'in', ids)
    .where('removed_at', 'is', null)
    .execute();
  return new Set(rows.map((row) => row.id));
}

/** Live uploads nobody has attached, created before `before`, oldest first. */
export async function unattachedUploadIdsBefore(
  db: Executor,
  before: number,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('uploads')
    .select('id')
    .where('message_id', 'is', null)
    .where('removed_at', 'is', null)
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
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

/** The live uploads attached to these messages, in the order they were sent. */
export function uploadsOfMessages(db: Executor, messageIds: readonly string[]) {
  if (messageIds.length === 0) return Promise.resolve([] as UploadRow[]);
  return db
    .selectFrom('uploads')
    .selectAll()
    .where('message_id', 'in', messageIds)
    .where('removed_at', 'is', null)
    .orderBy('attached_at')
    .execute();
}
