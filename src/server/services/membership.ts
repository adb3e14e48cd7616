import type { MyRoom, PublicUser, Room } from '../../shared/protocol.js';
import { normaliseCode } from '../domain/codes.js';
import { badRequest, conflict, forbidden, notFound } from '../domain/errors.js';
import { targetRefusal } from '../domain/permissions.js';
import { addressBucket, enforce } from '../domain/rate-limit.js';
import { assertJoinable, assertLeavable, isEphemeral } from '../domain/rooms.js';
import { presentUser } from '../presenters/users.js';
import { insertAudit } from '../store/audit-log.js';
import { findMembership, roomsOfUser } from '../store/memberships.js';
import {
  deleteRoomCascade,
  emptyEphemeralRooms,
  findRoom,
  findRoomBy,
  lockRoom,
  toRoomRecord,
} from '../store/rooms.js';
import { findUserById } from '../store/users.js';
import type { ServiceDeps } from './deps.js';
import { type Effect, type Outcome, outcome } from './effects.js';
import { placeIn, requireRoomRight } from './rights.js';
import { addMemberTo, readableRoom, removeMemberFrom, subscribe } from './room-writes.js';
import { loadMyRoom, loadRoom } from './views/rooms.js';

/** Joining and leaving rooms, adding and removing group members, and ending ephemeral rooms. */
export class Membership {
  constructor(private readonly deps: ServiceDeps) {}

  async joinChannel(user: PublicUser, roomId: string): Promise<Outcome<MyRoom>> {
    const { limiter, writes, now } = this.deps;
    await enforce(limiter, 'join', user.id);
    return writes.run(async (trx) => {
      const row = (await lockRoom(trx, roomId)) ? await findRoom(trx, roomId) : undefined;
      if (row && (await findMembership(trx, roomId, user.id))) {
        return outcome(await loadMyRoom(trx, user.id, roomId), [subscribe(roomId, [user.id])]);
      }
      const room = row && toRoomRecord(row);
      assertJoinable(room);
      return addMemberTo(trx, now, room, user, 'member');
    });
  }

  async joinByCode(user: PublicUser, rawCode: string, address: string): Promise<Outcome<MyRoom>> {
    const { limiter, writes, now } = this.deps;
    const message = 'too many code attempts, try again later';
    await enforce(limiter, 'codeGuess', `user:${user.id}`, message);
    await enforce(limiter, 'codeGuess', `address:${addressBucket(address)}`, message);
    const code = normaliseCode(rawCode);
    if (!code) throw notFound('no room has that code');
    return writes.run(async (trx) => {
      const found = await findRoomBy(trx, 'code', code);
      const row = found && (await lockRoom(trx, found.id)) ? await findRoom(trx, found.id) : undefined;
      if (!row) throw notFound('no room has that code');
      if (await findMembership(trx, row.id, user.id)) {
        return outcome(await loadMyRoom(trx, user.id, row.id), [subscribe(row.id, [user.id])]);
      }
      return addMemberTo(trx, now, toRoomRecord(row), user, 'member');
    });
  }

  async leave(user: PublicUser, roomId: string): Promise<Outcome<Record<string, never>>> {
    const { limiter, writes, now } = this.deps;
    await enforce(limiter, 'join', user.id);
    return writes.run(async (trx) => {
      const room = await readableRoom(trx, roomId, user.id);
      assertLeavable(room);
      return outcome({}, await removeMemberFrom(trx, now, room, user, 'left'));
    });
  }

  async addGroupMember(actor: PublicUser, roomId: string, userId: string): Promise<Outcome<Room>> {
    const { limiter, writes, now } = this.deps;
    await enforce(limiter, 'action', actor.id);
    return writes.run(async (trx) => {
      await lockRoom(trx, roomId);
      const room = await readableRoom(trx, roomId, actor.id);
      await requireRoomRight(trx, actor.id, room, 'add-member', now());
      const target = await findUserById(trx, userId);
      if (!target) throw notFound('user not found');
      if (await findMembership(trx, roomId, userId)) throw conflict('already a member');
      const added = await addMemberTo(trx, now, room, presentUser(target), 'member');
      added.effects.push({ kind: 'notify', userId, event: 'room:added', room: added.value });
      return outcome(await loadRoom(trx, roomId), added.effects);
    });
  }

  async removeGroupMember(actor: PublicUser, roomId: string, userId: string): Promise<Outcome<Room>> {
    const { limiter, writes, now } = this.deps;
    await enforce(limiter, 'action', actor.id);
    return writes.run(async (trx) => {
      const room = await readableRoom(trx, roomId, actor.id);
      if (room.kind !== 'group') throw badRequest('only group members are managed individually');
      const mover = await requireRoomRight(trx, actor.id, room, 'kick', now());
      if (userId === actor.id) throw badRequest('to remove yourself, leave the group');
      const target = await findUserById(trx, userId);
      const membership = target && (await findMembership(trx, roomId, userId));
      if (!target || !membership) throw notFound('not a member');
      // As room:kick: a moderator does not remove the owner or another moderator.
      const refusal = targetRefusal(mover, await placeIn(trx, room, actor.id), target, membership.role);
      if (refusal) throw forbidden(refusal);
      const effects = await removeMemberFrom(trx, now, room, presentUser(target), 'removed');
      await insertAudit(trx, {
        at: now(),
        actorId: actor.id,
        action: 'room.kick',
        roomId,
        targetUserId: userId,
      });
      return outcome(await loadRoom(trx, roomId), effects);
    });
  }

  /**
   * Leaves every code and match room; called when a user has been offline past the grace
   * period. Does nothing if they were seen since `notSeenSince` (they came back meanwhile).
   */
  async leaveEphemeralRooms(userId: string, notSeenSince: number): Promise<Outcome<undefined>> {
    const { writes, now } = this.deps;
    return writes.run(async (trx) => {
      const user = await findUserById(trx, userId);
      if (!user || (user.last_seen_at !== null && user.last_seen_at >= notSeenSince))
        return outcome(undefined);
      const effects: Effect[] = [];
      for (const row of await roomsOfUser(trx, userId)) {
        if (!isEphemeral(row.kind)) continue;
        effects.push(...(await removeMemberFrom(trx, now, toRoomRecord(row), presentUser(user), 'left')));
      }
      return outcome(undefined, effects);
    });
  }

  /** Deletes code and match rooms left without members (after a crash between two writes). */
  async deleteEmptyEphemeralRooms(): Promise<Outcome<undefined>> {
    return this.deps.writes.run(async (trx) => {
      const effects: Effect[] = [];
      for (const roomId of await emptyEphemeralRooms(trx)) {
        await deleteRoomCascade(trx, roomId);
        effects.push({ kind: 'room-deleted', roomId, reason: 'empty' });
      }
      return outcome(undefined, effects);
    });
  }
}
