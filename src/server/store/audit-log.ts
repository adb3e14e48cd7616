import type { Selectable } from 'kysely';
import type { Executor } from './executor.js';
import { timeOrderedId } from './ids.js';
import type { AuditLogTable } from './schema.js';

/** Queries of the audit log: appended in the job of the action it records, read by admins. */

export type AuditRow = Selectable<AuditLogTable>;

export interface AuditEntry {
  at: number;
  actorId: string | null;
  action: string;
  roomId?: string | null;
  targetUserId?: string | null;
  reason?: string | null;
  detail?: Record<string, unknown> | null;
}

export async function insertAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: timeOrderedId(entry.at),
      at: entry.at,
      actor_id: entry.actorId,
      action: entry.action,
      room_id: entry.roomId ?? null,
      target_user_id: entry.targetUserId ?? null,
      reason: entry.reason ?? null,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    })
    .execute();
}

export interface AuditFilter {
  actorId?: string | undefined;
  targetUserId?: string | undefined;
  action?: string | undefined;
  roomId?: string | undefined;
  /** Entries strictly older than this id (the page before). */
  beforeId?: string | undefined;
}

/** Newest first; ids are time-ordered, so `beforeId` pages back. */
export function listAudit(db: Executor, filter: AuditFilter, limit: number) {
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
  if (filter.targetUserId) query = query.where('target_user_id', '=', filter.targetUserId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.roomId) query = query.where('room_id', '=', filter.roomId);
  if (filter.beforeId) query = query.where('id', '<', filter.beforeId);
  return query.orderBy('id', 'desc').limit(limit).execute();
}
