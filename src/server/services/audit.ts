import type { AuditEntry } from '../../shared/protocol.js';
import { DEFAULT_POLICY } from '../domain/permissions.js';
import { presentUser } from '../presenters/users.js';
import { type AuditFilter, listAudit } from '../store/audit-log.js';
import { findUsersByIds } from '../store/users.js';
import { enforceRead, type ServiceDeps } from './deps.js';
import { requireServerRight } from './rights.js';

/** Reading the audit log: admins only ('view-audit'), newest first, filtered. */
export class AuditReads {
  constructor(private readonly deps: ServiceDeps) {}

  async list(userId: string, filter: AuditFilter, limit: number): Promise<AuditEntry[]> {
    await enforceRead(this.deps.limiter, userId);
    const { db } = this.deps;
    // Reading the audit log does not depend on the settings: admins only, always.
    await requireServerRight(db, userId, 'view-audit', DEFAULT_POLICY);
    const rows = await listAudit(db, filter, limit);
    const ids = [
      ...new Set(rows.flatMap((r) => [r.actor_id, r.target_user_id].filter((id): id is string => !!id))),
    ];
    const users = new Map((await findUsersByIds(db, ids)).map((u) => [u.id, presentUser(u)]));
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      action: row.action,
      actor: row.actor_id ? (users.get(row.actor_id) ?? null) : null,
      target: row.target_user_id ? (users.get(row.target_user_id) ?? null) : null,
      roomId: row.room_id,
      reason: row.reason,
      detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
    }));
  }
}
