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

/**
 * The reports one person handles, oldest first: in rooms they own or moderate, and — for
 * server staff — in every channel. Filtered here, so reports elsewhere (a flood in some
 * private group) can never push theirs out of the page.
 */
export function listReportsFor(
  db: Executor,
  viewer: { userId: string; staff: boolean },
  status: 'open' | 'all',
  limit: number,
) {
  let query = db
    .selectFrom('reports')
    .innerJoin('rooms', 'rooms.id', 'reports.room_id')
    .selectAll('reports')
    .where((eb) =>
      eb.or([
        ...(viewer.staff ? [eb('rooms.kind', '=', 'channel')] : []),
        eb(
          'reports.room_id',
          'in',
          eb
            .selectFrom('room_members')
            .select('room_members.room_id')
            .where('room_members.user_id', '=', viewer.userId)
            .where('room_members.role', 'in', ['owner', 'moderator']),
        ),
      ]),
    );
  if (status === 'open') query = query.where('reports.status', '=', 'open');
  return query.orderBy('reports.created_at').orderBy('reports.id').limit(limit).execute();
}

/** Puts a report back in the queue when what its handler asked for could not be done. */
export async function reopenReport(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('reports')
    .set({ status: 'open', handled_by: null, handled_at: null, resolution: null })
    .where('id', '=', id)
    .execute();
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
