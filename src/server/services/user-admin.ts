import type { AdminUser, Dashboard } from '../../shared/protocol.js';
import { notFound } from '../domain/errors.js';
import type { OperatorRole } from '../domain/operator.js';
import { outranks, type Policy } from '../domain/permissions.js';
import { enforce } from '../domain/rate-limit.js';
import { usernameKeys } from '../domain/usernames.js';
import { presentUser } from '../presenters/users.js';
import type { Database } from '../store/database.js';
import type { Executor } from '../store/executor.js';
import * as stats from '../store/stats.js';
import { findUserById, listUsersForAdmin, type UserRow } from '../store/users.js';
import { changeRole, deactivateAccount, issueSignInLink, reactivateAccount } from './account-changes.js';
import { enforceRead, type ServiceDeps } from './deps.js';
import { outcome } from './effects.js';
import { requireServerRight } from './rights.js';
import { SIGN_IN_LINK_TTL_MS } from './sign-in-links.js';

const DAY_MS = 86_400_000;

/**
 * The admin page's people and dashboard: who is here (staff see the list), changing roles,
 * deactivating and reactivating, one-time sign-in links (admins), and the server's figures.
 * The rules are the operator CLI's (domain/operator.ts: the last admin stays, guests have no
 * roles) and the permission table's; each change is in the audit log. A deactivation ends the
 * user's sessions and closes their sockets on every node at once (`revokeSockets`).
 */
export class UserAdmin {
  constructor(private readonly deps: ServiceDeps & { database: Pick<Database, 'dialect'> }) {}

  async list(actorId: string, query: string | undefined, limit: number): Promise<AdminUser[]> {
    const { db, presence, settings, limiter } = this.deps;
    await enforceRead(limiter, actorId);
    await requireServerRight(db, actorId, 'view-admin', await settings.policy());
    const prefix = query?.trim() ? usernameKeys(query.trim()) : undefined;
    const rows = await listUsersForAdmin(db, { prefix, limit });
    const online = await presence.onlineAmong(rows.map((r) => r.id));
    return rows.map((row) => toAdminUser(row, online.has(row.id)));
  }

  async update(
    actorId: string,
    userId: string,
    change: { role?: OperatorRole | undefined; deactivated?: boolean | undefined },
  ): Promise<{ user: AdminUser; revokedSessions: string[] }> {
    const { writes, limiter, settings, now } = this.deps;
    await enforce(limiter, 'action', actorId);
    const policy = await settings.policy();
    return writes
      .run(async (trx) => {
        const row = await this.target(trx, actorId, userId, policy);
        const by = { actorId, at: now() };
        if (change.role !== undefined) await changeRole(trx, row, change.role, by);
        let revokedSessions: string[] = [];
        // The caller closes their open sockets on every node at once (the once-a-second check
        // of app.ts would catch them too).
        if (change.deactivated === true)
          revokedSessions = (await deactivateAccount(trx, { ...row, role: change.role ?? row.role }, by))
            .sessions;
        if (change.deactivated === false) await reactivateAccount(trx, row, by);
        return outcome({ user: (await this.view(trx, row.id))!, revokedSessions });
      })
      .then((done) => done.value);
  }

  /** A one-time sign-in link for someone who lost their password (Campfire's way: no email). */
  async signInLink(actorId: string, userId: string): Promise<{ token: string; expiresAt: number }> {
    const { writes, limiter, settings, now } = this.deps;
    await enforce(limiter, 'action', actorId);
    const policy = await settings.policy();
    return writes.run(async (trx) => {
      const row = await this.target(trx, actorId, userId, policy);
      return issueSignInLink(trx, row, SIGN_IN_LINK_TTL_MS, { actorId, at: now() });
    });
  }

  /** The dashboard: who is connected now, messages per day for 30 days, storage. */
  async dashboard(actorId: string): Promise<Dashboard> {
    const { db, presence, settings, limiter, now } = this.deps;
    await enforceRead(limiter, actorId);
    await requireServerRight(db, actorId, 'view-admin', await settings.policy());
    const ids = await stats.activeUserIds(db);
    let online = 0;
    for (let i = 0; i < ids.length; i += 1000)
      online += (await presence.onlineAmong(ids.slice(i, i + 1000))).size;
    const today = Math.floor(now() / DAY_MS);
    const counted = new Map((await stats.messagesPerDay(db, (today - 29) * DAY_MS)).map((d) => [d.day, d.n]));
    const users = await stats.usersByRole(db);
    return {
      onlineNow: online,
      users: { total: Object.values(users).reduce((sum, n) => sum + n, 0), byRole: users },
      rooms: await stats.roomsByKind(db),
      messagesPerDay: Array.from({ length: 30 }, (_, i) => {
        const day = today - 29 + i;
        return { date: new Date(day * DAY_MS).toISOString().slice(0, 10), messages: counted.get(day) ?? 0 };
      }),
      uploads: await stats.storedUploads(db),
      databaseBytes: await stats.databaseBytes(db, this.deps.database.dialect),
    };
  }

  /** The account an admin acts on: never one who outranks them (an admin acts on admins). */
  private async target(trx: Executor, actorId: string, userId: string, policy: Policy): Promise<UserRow> {
    const actor = await requireServerRight(trx, actorId, 'manage-users', policy);
    const row = await findUserById(trx, userId);
    if (!row || !outranks(actor, row)) throw notFound('user not found');
    return row;
  }

  private async view(trx: Executor, userId: string): Promise<AdminUser | undefined> {
    const row = await findUserById(trx, userId);
    if (!row) return undefined;
    const online = await this.deps.presence.onlineAmong([row.id]);
    return toAdminUser(row, online.has(row.id));
  }
}

function toAdminUser(
  row: Pick<
    UserRow,
    'id' | 'username' | 'is_guest' | 'role' | 'created_at' | 'last_seen_at' | 'deactivated_at'
  >,
  online: boolean,
): AdminUser {
  return {
    ...presentUser(row),
    role: row.role,
    online,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    deactivated: row.deactivated_at !== null,
  };
}
