import { isIP } from 'node:net';
import type { GuestBan } from '../../shared/protocol.js';
import { badRequest, forbidden, notFound } from '../domain/errors.js';
import { addressBucket, enforce } from '../domain/rate-limit.js';
import { normaliseUsername } from '../domain/usernames.js';
import { insertAudit } from '../store/audit-log.js';
import type { Executor } from '../store/executor.js';
import {
  deleteGuestBan,
  findGuestBan,
  type GuestBanRow,
  insertGuestBan,
  listGuestBans,
} from '../store/guest-bans.js';
import { deleteSessionsOfUser, listSessionsOf } from '../store/sessions.js';
import { findUserById, setDeactivated } from '../store/users.js';
import { enforceRead, type ServiceDeps } from './deps.js';
import { requireServerRight } from './rights.js';

/**
 * Keeping guests out, server-wide (docs/administration.md): admins and moderators ban a guest
 * — their name (by its look-alike skeleton, so a respelling is banned too) and the addresses
 * their sessions came from — or a name or an address on its own. A banned guest is signed out
 * at once; a guest sign-in by a banned name or from a banned address is refused. Accounts are
 * deactivated instead (services/user-admin.ts).
 */
export class GuestBans {
  constructor(private readonly deps: ServiceDeps) {}

  /** Bans a signed-in (or recent) guest; returns their ended sessions, whose sockets go. */
  async banGuest(
    actorId: string,
    userId: string,
    reason: string | null,
  ): Promise<{ revokedSessions: string[] }> {
    const { writes, now } = this.deps;
    await this.allowed(actorId);
    return writes.run(async (trx) => {
      const row = await findUserById(trx, userId);
      if (!row) throw notFound('user not found');
      if (row.is_guest !== 1) throw badRequest('that is an account: deactivate it instead of banning a name');
      const at = now();
      const by = actorId;
      await insertGuestBan(trx, {
        kind: 'name',
        value: normaliseUsername(row.username).skeleton,
        label: row.username,
        reason,
        by,
        at,
      });
      for (const session of await listSessionsOf(trx, row.id, at)) {
        if (session.address)
          await insertGuestBan(trx, {
            kind: 'address',
            value: addressBucket(session.address),
            label: session.address,
            reason,
            by,
            at,
          });
      }
      await setDeactivated(trx, row.id, at);
      const revokedSessions = await deleteSessionsOfUser(trx, row.id);
      await insertAudit(trx, {
        at,
        actorId,
        action: 'guest.ban',
        targetUserId: row.id,
        reason,
        detail: { name: row.username },
      });
      return { revokedSessions };
    });
  }

  /** Bans a name or an address that no guest holds now (seen elsewhere, about to come back). */
  async ban(
    actorId: string,
    input: { name?: string | undefined; address?: string | undefined; reason?: string | undefined },
  ) {
    const { writes, now } = this.deps;
    await this.allowed(actorId);
    const reason = input.reason || null;
    if (input.address !== undefined && isIP(input.address.trim()) === 0)
      throw badRequest('that is not an IP address', 'address');
    const name = input.name !== undefined ? normaliseUsername(input.name) : undefined;
    return writes.run(async (trx) => {
      const at = now();
      if (name)
        await insertGuestBan(trx, {
          kind: 'name',
          value: name.skeleton,
          label: name.display,
          reason,
          by: actorId,
          at,
        });
      if (input.address !== undefined) {
        const address = input.address.trim();
        await insertGuestBan(trx, {
          kind: 'address',
          value: addressBucket(address),
          label: address,
          reason,
          by: actorId,
          at,
        });
      }
      await insertAudit(trx, {
        at,
        actorId,
        action: 'guest.ban',
        reason,
        detail: { name: name?.display, address: input.address },
      });
    });
  }

  async list(actorId: string): Promise<GuestBan[]> {
    await enforceRead(this.deps.limiter, actorId);
    await this.allowed(actorId);
    return (await listGuestBans(this.deps.db)).map(present);
  }

  async lift(actorId: string, id: string): Promise<void> {
    await this.allowed(actorId);
    await this.deps.writes.run(async (trx) => {
      const row = await deleteGuestBan(trx, id);
      if (!row) throw notFound('no such ban');
      await insertAudit(trx, {
        at: this.deps.now(),
        actorId,
        action: 'guest.unban',
        detail: { [row.kind]: row.label },
      });
    });
  }

  private async allowed(actorId: string) {
    await enforce(this.deps.limiter, 'action', actorId);
    await requireServerRight(this.deps.db, actorId, 'ban-guests', await this.deps.settings.policy());
  }
}

/** Refuses a guest sign-in by a banned name (any spelling that looks like it) or address. */
export async function refuseBannedGuest(db: Executor, nameSkeleton: string, address: string): Promise<void> {
  const ban = await findGuestBan(db, nameSkeleton, addressBucket(address));
  if (!ban) return;
  throw ban.kind === 'name'
    ? forbidden('that name may not be used by guests here: pick another, or sign in with an account')
    : forbidden('guests may not come in from this address: sign in with an account');
}

const present = (row: GuestBanRow): GuestBan => ({
  id: row.id,
  kind: row.kind,
  label: row.label,
  reason: row.reason,
  createdAt: row.created_at,
});
