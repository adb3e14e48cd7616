import {
  keepsAnAdmin,
  mayGetSignInLink,
  mustBeAccount,
  type OperatorRole,
  type Target,
} from '../domain/operator.js';
import { insertAudit } from '../store/audit-log.js';
import type { Executor } from '../store/executor.js';
import { deleteSessionsOfUser } from '../store/sessions.js';
import { insertSignInLink } from '../store/sign-in-links.js';
import { countActiveAdmins, setDeactivated, setRole, type UserRow } from '../store/users.js';
import { newSignInLink } from './sign-in-links.js';

/**
 * Changes to an account that the operator CLI (services/operator.ts) and the admin page
 * (services/user-admin.ts) both make, with the same rules (domain/operator.ts) and the same
 * audit entries, inside the caller's transaction. `by` says who: an admin's id, or null and
 * `detail.by: 'cli'` for the operator at the server's shell.
 */
export interface ChangedBy {
  actorId: string | null;
  at: number;
  /** Merged into every audit entry's detail (the CLI adds `by: 'cli'`). */
  detail?: Record<string, unknown>;
}

export const targetOf = (row: UserRow): Target => ({
  username: row.username,
  role: row.role,
  guest: row.is_guest === 1,
  deactivated: row.deactivated_at !== null,
});

function audit(
  trx: Executor,
  by: ChangedBy,
  action: string,
  row: UserRow,
  detail: Record<string, unknown> = {},
) {
  return insertAudit(trx, {
    at: by.at,
    actorId: by.actorId,
    action,
    targetUserId: row.id,
    detail: { ...by.detail, ...detail },
  });
}

/** Sets the server role; the last active admin keeps theirs. */
export async function changeRole(
  trx: Executor,
  row: UserRow,
  role: OperatorRole,
  by: ChangedBy,
): Promise<void> {
  const target = targetOf(row);
  mustBeAccount(target);
  if (role !== 'admin') keepsAnAdmin(target, await countActiveAdmins(trx), 'demote');
  if (row.role === role) return;
  await setRole(trx, row.id, role);
  await audit(trx, by, 'user.role', row, { from: row.role, to: role });
}

/** Deactivates and ends every session; returns the ended sessions' ids (their sockets go). */
export async function deactivateAccount(
  trx: Executor,
  row: UserRow,
  by: ChangedBy,
): Promise<{ already: boolean; sessions: string[] }> {
  const target = targetOf(row);
  mustBeAccount(target);
  keepsAnAdmin(target, await countActiveAdmins(trx), 'deactivate');
  if (!target.deactivated) await setDeactivated(trx, row.id, by.at);
  const sessions = await deleteSessionsOfUser(trx, row.id);
  if (!target.deactivated) await audit(trx, by, 'user.deactivate', row, { sessions: sessions.length });
  return { already: target.deactivated, sessions };
}

/** Lets a deactivated account in again; returns whether it was active already. */
export async function reactivateAccount(trx: Executor, row: UserRow, by: ChangedBy): Promise<boolean> {
  const target = targetOf(row);
  mustBeAccount(target);
  if (!target.deactivated) return true;
  await setDeactivated(trx, row.id, null);
  await audit(trx, by, 'user.reactivate', row);
  return false;
}

/** A one-time sign-in link for the account, to set a new password. */
export async function issueSignInLink(
  trx: Executor,
  row: UserRow,
  ttlMs: number,
  by: ChangedBy,
): Promise<{ token: string; expiresAt: number }> {
  mayGetSignInLink(targetOf(row));
  const link = newSignInLink(row.id, by.at, ttlMs);
  await insertSignInLink(trx, link.row);
  await audit(trx, by, 'user.sign-in-link', row, { expiresAt: link.row.expires_at });
  return { token: link.token, expiresAt: link.row.expires_at };
}
