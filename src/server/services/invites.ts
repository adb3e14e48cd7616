import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Invite } from '../../shared/protocol.js';
import { DomainError, notFound } from '../domain/errors.js';
import { type Actor, type Policy, serverRefusal } from '../domain/permissions.js';
import { presentUser } from '../presenters/users.js';
import { insertAudit } from '../store/audit-log.js';
import type { Executor } from '../store/executor.js';
import {
  findInviteById,
  findInviteByTokenHash,
  type InviteRow,
  insertInvite,
  insertInviteUse,
  listInvites,
  listInviteUses,
  revokeInvite,
  takeInviteUse,
} from '../store/invites.js';
import { findUserById } from '../store/users.js';
import type { WriteQueue } from '../store/write-queue.js';
import { actorOf, requireServerRight } from './rights.js';
import type { SettingsService } from './settings.js';

/** Where the web client opens the register screen with the invite filled in. */
export const invitePath = (token: string) => `/#/invite/${token}`;

const tokenHashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Invite links (docs/administration.md, "Who may come in"): made by admins — and by members
 * when the settings let them —, listed with who came in with them, revocable. The token is
 * shown once, to its creator; only its SHA-256 is stored.
 */
export class InvitesService {
  constructor(
    private readonly deps: { db: Executor; writes: WriteQueue; settings: SettingsService; now(): number },
  ) {}

  async create(
    userId: string,
    input: { expiresInHours?: number | null | undefined; maxUses?: number | null | undefined },
  ): Promise<{ invite: Invite; token: string; path: string }> {
    const { writes, now, settings } = this.deps;
    const policy = await settings.policy();
    const token = randomBytes(24).toString('base64url');
    const id = randomUUID();
    await writes.run(async (trx) => {
      await requireServerRight(trx, userId, 'create-invite', policy);
      const createdAt = now();
      const expiresAt = input.expiresInHours
        ? createdAt + Math.round(input.expiresInHours * 3_600_000)
        : null;
      const maxUses = input.maxUses ?? null;
      await insertInvite(trx, {
        id,
        token_hash: tokenHashOf(token),
        created_by: userId,
        created_at: createdAt,
        expires_at: expiresAt,
        max_uses: maxUses,
      });
      await insertAudit(trx, {
        at: createdAt,
        actorId: userId,
        action: 'invite.create',
        detail: { inviteId: id, expiresAt, maxUses },
      });
    });
    const [invite] = await this.load(id);
    return { invite: invite!, token, path: invitePath(token) };
  }

  /** Every invite for an admin ('manage-invites'); one's own for whoever may create them. */
  async list(userId: string): Promise<Invite[]> {
    return this.load(undefined, await this.scopeOf(userId));
  }

  /** Ends an invite at once; revoking one already revoked changes nothing. */
  async revoke(userId: string, inviteId: string): Promise<Invite> {
    const { writes, now } = this.deps;
    const scope = await this.scopeOf(userId);
    await writes.run(async (trx) => {
      const row = await findInviteById(trx, inviteId);
      // Someone else's invite is as unknown to a member as one that does not exist.
      if (!row || (scope !== undefined && row.created_by !== scope)) throw notFound('invite not found');
      if (row.revoked_at !== null) return;
      const at = now();
      await revokeInvite(trx, inviteId, at);
      await insertAudit(trx, {
        at,
        actorId: userId,
        action: 'invite.revoke',
        targetUserId: row.created_by,
        detail: { inviteId, uses: row.uses },
      });
    });
    const [invite] = await this.load(inviteId);
    return invite!;
  }

  /**
   * undefined: every invite (admins); a user id: only theirs. Seeing and revoking one's own
   * needs no right beyond being active — a member whose invites lapsed when the switch went
   * off can still end them for good. Guests never make invites, so they have none.
   */
  private async scopeOf(userId: string): Promise<string | undefined> {
    const { db, settings } = this.deps;
    const policy = await settings.policy();
    const actor = await actorOf(db, userId);
    if (serverRefusal(actor, 'manage-invites', policy) === null) return undefined;
    if (actor.deactivated || actor.role === 'guest') {
      throw new DomainError(
        'forbidden',
        serverRefusal(actor, 'create-invite', policy) ?? 'only admins can create invites',
      );
    }
    return userId;
  }

  private async load(id?: string, createdBy?: string): Promise<Invite[]> {
    const { db, now, settings } = this.deps;
    const policy = await settings.policy();
    const rows = await listInvites(db, createdBy, id);
    const uses = await listInviteUses(
      db,
      rows.map((row) => row.id),
    );
    const at = now();
    return rows.map((row) => ({
      id: row.id,
      createdBy:
        row.creator_name === null
          ? null
          : presentUser({
              id: row.created_by,
              username: row.creator_name,
              is_guest: row.creator_is_guest ?? 0,
            }),
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      maxUses: row.max_uses,
      uses: row.uses,
      revokedAt: row.revoked_at,
      state:
        inviteState(row, at) ??
        (creatorMayInvite(
          row.creator_role === null
            ? null
            : {
                id: row.created_by,
                role: row.creator_role,
                deactivated: row.creator_deactivated_at !== null,
              },
          policy,
        )
          ? 'active'
          : 'lapsed'),
      usedBy: uses
        .filter((use) => use.invite_id === row.id)
        .map((use) => ({ user: presentUser(use), usedAt: use.used_at })),
    }));
  }
}

/** Why the invite no longer lets anyone in, or null while it does. */
function inviteState(row: InviteRow, at: number): 'revoked' | 'used-up' | 'expired' | null {
  if (row.revoked_at !== null) return 'revoked';
  if (row.max_uses !== null && row.uses >= row.max_uses) return 'used-up';
  if (row.expires_at !== null && row.expires_at <= at) return 'expired';
  return null;
}

/**
 * An invite lets people in only while its creator may still make one: a member's invites lapse
 * when members may no longer invite, a moderator's when they are demoted, anyone's when they
 * are deactivated — and come back if that is undone.
 */
const creatorMayInvite = (creator: Actor | null, policy: Policy) =>
  creator !== null && serverRefusal(creator, 'create-invite', policy) === null;

const REFUSALS = {
  unknown: 'this invite link is not valid: ask for a new one',
  revoked: 'this invite link has been withdrawn: ask for a new one',
  'used-up': 'this invite link has been used as many times as it may be: ask for a new one',
  expired: 'this invite link has expired: ask for a new one',
  lapsed: 'whoever made this invite link may no longer invite people: ask for a new one',
} as const;

const refused = (why: keyof typeof REFUSALS) =>
  new DomainError('forbidden', REFUSALS[why], undefined, 'inviteToken');

/**
 * Lets `userId` in with the invite, inside the sign-up's write job (so a refused sign-up gives
 * the use back): takes one use atomically and records who took it; refuses with the reason
 * otherwise.
 */
export async function redeemInvite(
  db: Executor,
  token: string,
  userId: string,
  at: number,
  policy: Policy,
): Promise<void> {
  const row = await findInviteByTokenHash(db, tokenHashOf(token));
  if (!row) throw refused('unknown');
  const creator = await findUserById(db, row.created_by);
  const actor = creator && {
    id: creator.id,
    role: creator.role,
    deactivated: creator.deactivated_at !== null,
  };
  // Its own state first: a withdrawn link says so, whatever became of its creator.
  if (!inviteState(row, at) && !creatorMayInvite(actor ?? null, policy)) throw refused('lapsed');
  if (!(await takeInviteUse(db, row.id, at))) {
    // Read again: on PostgreSQL another node may have taken the last use meanwhile.
    const now = await findInviteById(db, row.id);
    throw refused((now && inviteState(now, at)) || 'used-up');
  }
  await insertInviteUse(db, row.id, userId, at);
}
