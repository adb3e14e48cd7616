import type { Room } from '../../shared/protocol.js';
import { badRequest, conflict, forbidden, notFound } from '../domain/errors.js';
import { type RoomAction, targetRefusal } from '../domain/permissions.js';
import { enforce } from '../domain/rate-limit.js';
import { normaliseRoomName, type RoomRecord } from '../domain/rooms.js';
import { logEvents } from '../presenters/log-events.js';
import { presentUser } from '../presenters/users.js';
import { insertAudit } from '../store/audit-log.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Executor } from '../store/executor.js';
import { findMembership, setMemberRole, setMutedUntil } from '../store/memberships.js';
import { deleteBan, insertBan, listBans } from '../store/room-bans.js';
import { findRoom, lockRoom, type RoomSettings, toRoomRecord, updateRoomSettings } from '../store/rooms.js';
import { findUserById } from '../store/users.js';
import type { ServiceDeps } from './deps.js';
import { type Effect, type Outcome, outcome } from './effects.js';
import { actorOf, placeIn, requireRoomRight } from './rights.js';
import { logChange, removeMemberFrom } from './room-writes.js';
import { loadRoom } from './views/rooms.js';

const MINUTE = 60_000;

/**
 * What a room's moderators do (docs/administration.md): remove and ban members, mute them,
 * name moderators, change the room's name, topic and description, make a channel read-only or
 * archive it. Each is decided by the permission table inside the write job and lands in the
 * room's log — a kick or ban as the member's "left" line, a mute or a new role as
 * `room:member-updated`, the rest as `room:updated` — so `sync` replays it like any other change.
 */
export class RoomModeration {
  constructor(private readonly deps: ServiceDeps) {}

  kick(
    actorId: string,
    roomId: string,
    userId: string,
    reason?: string,
  ): Promise<Outcome<Record<string, never>>> {
    return this.onMember(
      actorId,
      roomId,
      userId,
      'kick',
      { reason: reason || null },
      async (trx, room, target) => {
        if (!target.membership) throw notFound('not a member of this room');
        return removeMemberFrom(trx, this.deps.now, room, presentUser(target.user), 'removed');
      },
    );
  }

  /** Removes the member if they are one, and keeps them out: by join, code, invite or being added. */
  ban(
    actorId: string,
    roomId: string,
    userId: string,
    reason?: string,
  ): Promise<Outcome<Record<string, never>>> {
    return this.onMember(
      actorId,
      roomId,
      userId,
      'ban',
      { reason: reason || null },
      async (trx, room, target) => {
        await insertBan(trx, {
          roomId,
          userId,
          bannedBy: actorId,
          reason: reason || null,
          at: this.deps.now(),
        });
        return target.membership
          ? removeMemberFrom(trx, this.deps.now, room, presentUser(target.user), 'banned')
          : [];
      },
    );
  }

  unban(actorId: string, roomId: string, userId: string): Promise<Outcome<Record<string, never>>> {
    return this.onMember(actorId, roomId, userId, 'ban', { detail: { lifted: true } }, async (trx) => {
      if (!(await deleteBan(trx, roomId, userId))) throw notFound('that user is not banned here');
      return [];
    });
  }

  async bans(actorId: string, roomId: string) {
    const { db } = this.deps;
    const room = await moderatedRoom(db, roomId, actorId);
    await requireRoomRight(db, actorId, room, 'ban', this.deps.now());
    return (await listBans(db, roomId)).map((row) => ({
      user: presentUser(row),
      reason: row.reason,
      at: row.created_at,
    }));
  }

  async mute(
    actorId: string,
    roomId: string,
    userId: string,
    minutes: number,
    reason?: string,
  ): Promise<Outcome<{ mutedUntil: number }>> {
    const until = this.deps.now() + minutes * MINUTE;
    const done = await this.onMember(
      actorId,
      roomId,
      userId,
      'mute',
      { reason: reason || null, detail: { until } },
      async (trx, _room, target) => {
        if (!target.membership) throw notFound('not a member of this room');
        await setMutedUntil(trx, roomId, userId, until);
        return [await this.memberUpdated(trx, roomId, userId, target.membership.role, until)];
      },
    );
    return outcome({ mutedUntil: until }, done.effects);
  }

  unmute(actorId: string, roomId: string, userId: string): Promise<Outcome<Record<string, never>>> {
    return this.onMember(
      actorId,
      roomId,
      userId,
      'mute',
      { detail: { lifted: true } },
      async (trx, _room, target) => {
        if (!target.membership) throw notFound('not a member of this room');
        await setMutedUntil(trx, roomId, userId, null);
        return [await this.memberUpdated(trx, roomId, userId, target.membership.role, null)];
      },
    );
  }

  setRole(
    actorId: string,
    roomId: string,
    userId: string,
    role: 'moderator' | 'member',
  ): Promise<Outcome<Record<string, never>>> {
    return this.onMember(
      actorId,
      roomId,
      userId,
      'set-room-role',
      { detail: { role } },
      async (trx, _room, target) => {
        if (!target.membership) throw notFound('not a member of this room');
        if (target.membership.role === role) return [];
        await setMemberRole(trx, roomId, userId, role);
        return [await this.memberUpdated(trx, roomId, userId, role, target.membership.muted_until)];
      },
    );
  }

  /** Name, topic, description, read-only, archived: each change needs its own right. */
  async update(
    actorId: string,
    change: {
      roomId: string;
      name?: string | undefined;
      topic?: string | null | undefined;
      description?: string | null | undefined;
      readOnly?: boolean | undefined;
      archived?: boolean | undefined;
    },
  ): Promise<Outcome<Room>> {
    const { limiter, writes, now } = this.deps;
    await enforce(limiter, 'action', actorId);
    try {
      return await writes.run(async (trx) => {
        await lockRoom(trx, change.roomId);
        const room = await moderatedRoom(trx, change.roomId, actorId);
        const at = now();
        const settings: RoomSettings = {};
        const needs = new Set<RoomAction>();
        if (change.name !== undefined || change.topic !== undefined || change.description !== undefined)
          needs.add('edit-info');
        if (change.readOnly !== undefined) needs.add('set-read-only');
        if (change.archived !== undefined) needs.add('archive');
        for (const action of needs) await requireRoomRight(trx, actorId, room, action, at);
        if (change.name !== undefined) {
          if (room.kind !== 'channel' && room.kind !== 'group' && room.kind !== 'code')
            throw badRequest('this conversation has no name', 'name');
          const { display, key } = normaliseRoomName(change.name);
          settings.name = display;
          if (room.kind === 'channel') settings.name_key = key;
        }
        if (change.topic !== undefined) settings.topic = change.topic || null;
        if (change.description !== undefined) settings.description = change.description || null;
        if (change.readOnly !== undefined) settings.read_only = change.readOnly ? 1 : 0;
        // Archiving an archived room keeps when it was archived.
        if (change.archived !== undefined && change.archived !== room.archived)
          settings.archived_at = change.archived ? at : null;
        // Nothing to store (archived twice, say) is no change: an UPDATE with no SET is invalid.
        if (Object.keys(settings).length > 0) await updateRoomSettings(trx, room.id, settings);
        const { roomId: _room, ...changed } = change;
        // A private room's new name or topic is its members' business: only which fields changed.
        const detail = room.kind === 'channel' ? changed : { changed: Object.keys(changed) };
        await insertAudit(trx, { at, actorId, action: 'room.update', roomId: room.id, detail });
        const seq = await logChange(trx, {
          roomId: room.id,
          type: 'room:updated',
          messageId: null,
          userId: actorId,
          at,
        });
        const snapshot = await loadRoom(trx, room.id);
        return outcome(snapshot, [
          { kind: 'log', event: logEvents.roomUpdated({ roomId: room.id, seq, at }, snapshot) },
        ]);
      });
    } catch (error) {
      throw isUniqueViolation(error) ? conflict('a channel with that name already exists', 'name') : error;
    }
  }

  /**
   * The shared frame of an action on a member: rate limit, one write job, the room locked,
   * the actor's right in the room, the rule about whom it may be done to, then the action.
   */
  private async onMember(
    actorId: string,
    roomId: string,
    userId: string,
    action: RoomAction,
    audit: { reason?: string | null; detail?: Record<string, unknown> },
    act: (
      trx: Executor,
      room: RoomRecord,
      target: {
        user: NonNullable<Awaited<ReturnType<typeof findUserById>>>;
        membership: Awaited<ReturnType<typeof findMembership>>;
      },
    ) => Promise<Effect[]>,
  ): Promise<Outcome<Record<string, never>>> {
    const { limiter, writes, now } = this.deps;
    await enforce(limiter, 'action', actorId);
    return writes.run(async (trx) => {
      await lockRoom(trx, roomId);
      const room = await moderatedRoom(trx, roomId, actorId);
      const actor = await actorOf(trx, actorId);
      await requireRoomRight(trx, actorId, room, action, now());
      const user = await findUserById(trx, userId);
      if (!user) throw notFound('user not found');
      const membership = await findMembership(trx, roomId, userId);
      const refusal = targetRefusal(actor, await placeIn(trx, room, actorId), user, membership?.role ?? null);
      if (refusal) throw userId === actorId ? badRequest(refusal) : forbidden(refusal);
      const effects = await act(trx, room, { user, membership });
      await insertAudit(trx, {
        at: now(),
        actorId,
        action: `room.${action}`,
        roomId,
        targetUserId: userId,
        ...audit,
      });
      return outcome({}, effects);
    });
  }

  private async memberUpdated(
    trx: Executor,
    roomId: string,
    userId: string,
    role: 'owner' | 'moderator' | 'member',
    mutedUntil: number | null,
  ): Promise<Effect> {
    const at = this.deps.now();
    const seq = await logChange(trx, { roomId, type: 'room:member-updated', messageId: null, userId, at });
    return { kind: 'log', event: logEvents.memberUpdated({ roomId, seq, at }, userId, role, mutedUntil) };
  }
}

/**
 * The room a moderation request names. A private room answers "not found" to outsiders, as
 * every read does; a channel is public, so staff who have not joined it can still moderate it.
 */
async function moderatedRoom(db: Executor, roomId: string, actorId: string): Promise<RoomRecord> {
  const row = await findRoom(db, roomId);
  if (!row) throw notFound('room not found');
  if (row.kind !== 'channel' && !(await findMembership(db, roomId, actorId)))
    throw notFound('room not found');
  return toRoomRecord(row);
}
