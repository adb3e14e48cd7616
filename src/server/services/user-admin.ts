import type { AdminUser, Dashboard } from '../../shared/protocol.js';
import { notFound } from '../domain/errors.js';
import type { OperatorRole } from '../domain/operator.js';
import { outranks, type Policy, type ServerAction } from '../domain/permissions.js';
import { enforce } from '../domain/rate-limit.js';
import { usernameKeys } from '../domain/usernames.js';
import { logEvents } from '../presenters/log-events.js';
import { presentUser } from '../presenters/users.js';
import { insertAudit } from '../store/audit-log.js';
import type { Database } from '../store/database.js';
import type { Executor } from '../store/executor.js';
import { messagesOfAuthor, tombstoneMessage } from '../store/messages.js';
import * as stats from '../store/stats.js';
import { findUserById, listUsersForAdmin, type UserRow } from '../store/users.js';
import { changeRole, deactivateAccount, issueSignInLink, reactivateAccount } from './account-changes.js';
import { enforceRead, type ServiceDeps } from './deps.js';
import { type Effect, outcome } from './effects.js';
import { requireServerRight } from './rights.js';
import { logChange } from './room-writes.js';
import { SIGN_IN_LINK_TTL_MS } from './sign-in-links.js';

const DAY_MS = 86_400_000;
/** Messages removed per write job: other writes get their turn between jobs. */
export const PURGE_BATCH = 200;

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
        // Their open pages learn of a new role at once (what they are offered changes with it).
        const effects: Effect[] =
          change.role !== undefined && change.role !== row.role
            ? [{ kind: 'self-changed', userIds: [row.id] }]
            : [];
        return outcome({ user: (await this.view(trx, row.id))!, revokedSessions }, effects);
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

  /**
   * Removes every message of one user, in every room (spam clean-up), optionally deactivating
   * them first so that nothing new arrives meanwhile. Each removal is a normal deletion in its
   * room's log, announced live; they go in jobs of PURGE_BATCH so that a spammer's 50,000
   * messages never hold the write queue for long. One audit entry records the lot.
   */
  async purgeMessages(
    actorId: string,
    userId: string,
    options: { deactivate?: boolean | undefined } = {},
    batch = PURGE_BATCH,
  ): Promise<{ deleted: number; rooms: number; revokedSessions: string[] }> {
    const { writes, limiter, settings, now } = this.deps;
    await enforce(limiter, 'action', actorId);
    const policy = await settings.policy();
    const revokedSessions = await writes
      .run(async (trx) => {
        const row = await this.target(trx, actorId, userId, policy, 'purge-messages');
        if (!options.deactivate) return outcome([] as string[]);
        await requireServerRight(trx, actorId, 'manage-users', policy);
        return outcome((await deactivateAccount(trx, row, { actorId, at: now() })).sessions);
      })
      .then((done) => done.value);
    const rooms = new Set<string>();
    let deleted = 0;
    // Counted once each job has committed: a failed one leaves nothing behind, here either.
    for (let done = false; !done; ) {
      const job = await writes
        .run(async (trx) => {
          await this.target(trx, actorId, userId, policy, 'purge-messages');
          const rows = await messagesOfAuthor(trx, userId, batch);
          const at = now();
          const effects: Effect[] = [];
          const touched = new Set(rooms);
          for (const { id, room_id: roomId } of rows) {
            await tombstoneMessage(trx, id, at);
            const seq = await logChange(trx, {
              roomId,
              type: 'message:deleted',
              messageId: id,
              userId: actorId,
              at,
            });
            effects.push({ kind: 'log', event: logEvents.messageDeleted({ roomId, seq, at }, id) });
            touched.add(roomId);
          }
          const last = rows.length < batch;
          if (last) {
            const detail = { messages: deleted + rows.length, rooms: touched.size };
            await insertAudit(trx, {
              at,
              actorId,
              action: 'user.purge-messages',
              targetUserId: userId,
              detail,
            });
          }
          return outcome({ last, count: rows.length, touched }, effects);
        })
        .then((ran) => ran.value);
      deleted += job.count;
      for (const roomId of job.touched) rooms.add(roomId);
      done = job.last;
    }
    return { deleted, rooms: rooms.size, revokedSessions };
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
  private async target(
    trx: Executor,
    actorId: string,
    userId: string,
    policy: Policy,
    right: ServerAction = 'manage-users',
  ): Promise<UserRow> {
    const actor = await requireServerRight(trx, actorId, right, policy);
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
