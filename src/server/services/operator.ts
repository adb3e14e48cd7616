import { randomUUID } from 'node:crypto';
import { DomainError, notFound } from '../domain/errors.js';
import type { OperatorRole } from '../domain/operator.js';
import { normaliseUsername, usernameKeys, validatePassword } from '../domain/usernames.js';
import { presentUser } from '../presenters/users.js';
import { insertAudit } from '../store/audit-log.js';
import { type Database, shortTransaction } from '../store/database.js';
import type { Executor } from '../store/executor.js';
import { findRoomBy, toRoomRecord } from '../store/rooms.js';
import { DEFAULT_CHANNEL } from '../store/seed.js';
import { insertSignInLink } from '../store/sign-in-links.js';
import * as stats from '../store/stats.js';
import { findUserByName, insertUser, type UserRow } from '../store/users.js';
import {
  type ChangedBy,
  changeRole,
  deactivateAccount,
  issueSignInLink,
  reactivateAccount,
} from './account-changes.js';
import { hashPassword } from './auth.js';
import { addMemberTo } from './room-writes.js';
import { newSignInLink } from './sign-in-links.js';

export interface OperatorDeps {
  database: Pick<Database, 'writer' | 'dialect'>;
  now(): number;
}

/**
 * What the operator CLI does to the store, one short transaction per command, from a process
 * beside the running server. Rules come from domain/operator.ts; sockets of a deactivated
 * user are closed by the server itself once it sees their sessions gone (app.ts).
 */
export class Operator {
  constructor(private readonly deps: OperatorDeps) {}

  private run<T>(work: (trx: Executor) => Promise<T>): Promise<T> {
    return shortTransaction(this.deps.database, work);
  }

  /**
   * Creates an admin account. With a password, it is set; without one, the account has none
   * until its owner uses the returned sign-in link (`linkToken`). The account joins #general,
   * as one signed up in the web app does.
   */
  async createAdmin(username: string, password: string | null, linkTtlMs: number) {
    const name = normaliseUsername(username);
    if (password !== null) validatePassword(password);
    const passwordHash = password === null ? null : await hashPassword(password);
    return this.run(async (trx) => {
      const now = this.deps.now();
      if (await findUserByName(trx, name)) {
        throw new DomainError('conflict', `the name ${name.display} is taken (or looks like one that is)`);
      }
      const row: UserRow = {
        id: randomUUID(),
        username: name.display,
        username_key: name.key,
        username_skeleton: name.skeleton,
        // No password yet: nobody can sign in to it with one until the link sets it.
        password_hash: passwordHash,
        is_guest: 0,
        role: 'admin',
        created_at: now,
        last_seen_at: null,
        name_released_at: null,
        deactivated_at: null,
      };
      await insertUser(trx, row);
      const general = await findRoomBy(trx, 'name_key', DEFAULT_CHANNEL);
      // An archived #general is no place to land: the admin starts with no room then.
      if (general && general.archived_at === null)
        await addMemberTo(trx, () => now, toRoomRecord(general), presentUser(row), 'member');
      const link = password === null ? newSignInLink(row.id, now, linkTtlMs) : undefined;
      if (link) await insertSignInLink(trx, link.row);
      const { actorId, detail } = this.by();
      await insertAudit(trx, {
        at: now,
        actorId,
        action: 'user.create-admin',
        targetUserId: row.id,
        detail: { ...detail, signInLink: link !== undefined },
      });
      return { username: row.username, linkToken: link?.token };
    });
  }

  /** Sets the account's server role; returns the role it had. */
  async setRole(username: string, role: OperatorRole): Promise<{ username: string; before: string }> {
    return this.run(async (trx) => {
      const row = await this.account(trx, username);
      await changeRole(trx, row, role, this.by());
      return { username: row.username, before: row.role };
    });
  }

  /** Deactivates the account and ends its sessions; returns how many ended. */
  async deactivate(username: string): Promise<{ username: string; already: boolean; sessions: number }> {
    return this.run(async (trx) => {
      const row = await this.account(trx, username);
      const { already, sessions } = await deactivateAccount(trx, row, this.by());
      return { username: row.username, already, sessions: sessions.length };
    });
  }

  async reactivate(username: string): Promise<{ username: string; already: boolean }> {
    return this.run(async (trx) => {
      const row = await this.account(trx, username);
      return { username: row.username, already: await reactivateAccount(trx, row, this.by()) };
    });
  }

  /** A one-time sign-in link for the account, to set a new password; returns its token. */
  async signInLink(username: string, ttlMs: number): Promise<{ username: string; token: string }> {
    return this.run(async (trx) => {
      const row = await this.account(trx, username);
      const { token } = await issueSignInLink(trx, row, ttlMs, this.by());
      return { username: row.username, token };
    });
  }

  async stats() {
    const { writer: db, dialect } = this.deps.database;
    const users = await stats.usersByRole(db);
    return {
      users: {
        total: Object.values(users).reduce((sum, n) => sum + n, 0),
        byRole: users,
        deactivated: await stats.deactivatedUsers(db),
      },
      rooms: await stats.roomsByKind(db),
      messages: await stats.messageCount(db),
      uploads: await stats.storedUploads(db),
      databaseBytes: await stats.databaseBytes(db, dialect),
    };
  }

  /**
   * Who made a change, for the audit log: no actor (the operator at the server's shell is no
   * account), `detail.by` says it was the CLI.
   */
  private by(): ChangedBy {
    return { actorId: null, at: this.deps.now(), detail: { by: 'cli' } };
  }

  /**
   * The account named exactly so (compared for case). A name that only looks like one is not
   * taken for it: an operator's command must not land on a look-alike.
   */
  private async account(trx: Executor, username: string): Promise<UserRow> {
    const keys = usernameKeys(username);
    const row = await findUserByName(trx, keys);
    if (!row || row.username_key !== keys.key) {
      const hint = row ? ` (${row.username} looks like it; type that name if you mean it)` : '';
      throw notFound(`there is no account named ${username.trim()}${hint}`);
    }
    return row;
  }
}
