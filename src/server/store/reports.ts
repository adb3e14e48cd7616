import type { Selectable } from 'kysely';
import type { Executor } from './executor.js';
import { timeOrderedId } from './ids.js';
import type { ReportsTable } from './schema.js';

/** Queries of message reports: filed by members, worked through by moderators. */

export type ReportRow = Selectable<ReportsTable>;

/** Files a report; false when this person had already reported the message. */
export async function insertReport(
  db: Executor,
  report: { messageId: string; roomId: string; reporterId: string; reason: string; at: number },
): Promise<{ id: string; created: boolean }> {
  const id = timeOrderedId(report.at);
  const inserted = await db
    .insertInto('reports')
    .values({
      id,
      message_id: report.messageId,
      room_id: report.roomId,
      reporter_id: report.reporterId,
      reason: report.reason,
      created_at: report.at,
    })
    .onConflict((oc) => oc.columns(['message_id', 'reporter_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const existing = await db
    .selectFrom('reports')
    .select('id')
    .where('message_id', '=', report.messageId)
    .where('reporter_id', '=', report.reporterId)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

export function findReport(db: Executor, id: string) {
  return db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Reports in rooms among `roomIds` (or all), oldest open first. */
export function listReports(db: Executor, status: 'open' | 'all', limit: number) {
  let query = db.selectFrom('reports').selectAll();
  if (status === 'open') query = query.where('status', '=', 'open');
  return query.orderBy('created_at').orderBy('id').limit(limit).execute();
}

/** Marks a report handled; false when someone else handled it first. */
export async function markReportHandled(
  db: Executor,
  id: string,
  handled: { by: string; at: number; status: 'dismissed' | 'actioned'; resolution: string },
): Promise<boolean> {
  const result = await db
    .updateTable('reports')
    .set({
      status: handled.status,
      handled_by: handled.by,
      handled_at: handled.at,
      resolution: handled.resolution,
    })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
