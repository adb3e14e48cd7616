import type { Kysely } from 'kysely';
import type {
  LogEvent,
  Member,
  Message,
  MyRoom,
  PresenceEvent,
  PublicUser,
  Reaction,
  RequestPayload,
  Room,
} from '../../shared/protocol.js';
import { LIMITS } from '../../shared/protocol.js';
import { generateCode, normaliseCode } from '../domain/codes.js';
import { badRequest, conflict, DomainError, notFound } from '../domain/errors.js';
import type { MatchQueue } from '../domain/matchmaker.js';
import { cleanMessageText, normaliseEmoji, replyExcerpt } from '../domain/messages.js';
import type { Presence } from '../domain/presence.js';
import { addressBucket, enforce, type RateLimiter } from '../domain/rate-limit.js';
import {
  afterMemberLeft,
  assertCanDelete,
  assertCanEdit,
  assertCanManageMembers,
  assertCanReact,
  assertHasCapacity,
  assertJoinable,
  assertLeavable,
  assertReadable,
  dmKey,
  isEphemeral,
  type MemberRole,
  normaliseRoomName,
  type RoomRecord,
} from '../domain/rooms.js';
import { usernameKeys } from '../domain/usernames.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Executor } from '../store/repository.js';
import * as repo from '../store/repository.js';
import type { Schema } from '../store/schema.js';
import type { WriteQueue } from '../store/write-queue.js';
import { type Effect, type Outcome, outcome } from './effects.js';
import { myRoom, myRooms, toRoom } from './views.js';

export interface ChatDeps {
  db: Kysely<Schema>;
  writes: WriteQueue;
  limiter: RateLimiter;
  matchQueue: MatchQueue;
  presence: Presence;
  now(): number;
}

const MAX_DISTINCT_REACTIONS = 20;
export const PRESENCE_ROOM_MAX = 100;

/**
 * Rooms, membership and messages. Each method checks the caller's rights against the database
 * inside one write-queue job, stores the change with the room's next sequence number, and
 * returns the value for the ack plus the effects, which are announced in commit order once the
 * batch has committed (services/index.ts).
 */
export class ChatService {
  constructor(private readonly deps: ChatDeps) {}

  private get db() {
    return this.deps.db;
  }

  // -------------------------------------------------------------------------------------------
  // Listing
  // -------------------------------------------------------------------------------------------

  async listMyRooms(userId: string): Promise<MyRoom[]> {
    await this.enforceRead(userId);
    return myRooms(this.db, userId);
  }

  async listMyRoomsWithPresence(userId: string): Promise<{ rooms: MyRoom[]; presence: PresenceEvent[] }> {
    const rooms = await this.listMyRooms(userId);
    const peers = [...new Set(rooms.flatMap((r) => (r.peer ? [r.peer.id] : [])))];
    const users = await repo.findUsersByIds(this.db, peers);
    const online = await this.deps.presence.onlineAmong(peers);
    const presence = users.map((u) => ({
      userId: u.id,
      online: online.has(u.id),
      lastSeenAt: u.last_seen_at,
    }));
    return { rooms, presence };
  }

  /** Membership read through the write queue, so it is consistent with effects already sent. */
  subscriptionsOf(userId: string): Promise<string[]> {
    return this.deps.writes.run((trx) => repo.roomIdsOfUser(trx, userId));
  }

  roomIdsOf(userId: string): Promise<string[]> {
    return repo.roomIdsOfUser(this.db, userId);
  }

  /**
   * Where a user's presence changes are pushed: rooms up to PRESENCE_ROOM_MAX members. In a
   * channel of thousands, pushing every member's comings and goings to everyone would cost
   * members² packets; there, online state comes with `room:members` instead.
   */
  presenceRoomIdsOf(userId: string): Promise<string[]> {
    return repo.presenceRoomIdsOfUser(this.db, userId, PRESENCE_ROOM_MAX);
  }

  async listChannels(userId: string): Promise<(Room & { joined: boolean })[]> {
    await this.enforceRead(userId);
    const [channels, mine] = [await repo.listChannels(this.db), new Set(await this.roomIdsOf(userId))];
    const counts = await repo.countMembersByRoom(
      this.db,
      channels.map((c) => c.id),
    );
    return channels.map((row) => ({
      ...toRoom(row, counts.get(row.id) ?? 0, null, mine.has(row.id)),
      joined: mine.has(row.id),
    }));
  }

  async members(userId: string, roomId: string): Promise<Member[]> {
    await this.enforceRead(userId);
    await this.readableRoom(this.db, roomId, userId);
    const rows = await repo.listMembers(this.db, roomId);
    const online = await this.deps.presence.onlineAmong(rows.map((r) => r.id));
    return rows.map((row) => ({
      ...repo.toPublicUser(row),
      role: row.role,
      online: online.has(row.id),
      lastSeenAt: row.last_seen_at,
      joinedAt: row.joined_at,
    }));
  }

  async searchUsers(userId: string, query: string) {
    await enforce(this.deps.limiter, 'lookup', userId);
    const prefix = usernameKeys(query);
    if (!prefix.key) return [];
    const rows = (await repo.searchUsers(this.db, prefix, LIMITS.userSearchMax + 1))
      .filter((row) => row.id !== userId)
      .slice(0, LIMITS.userSearchMax);
    const online = await this.deps.presence.onlineAmong(rows.map((r) => r.id));
    return rows.map((row) => ({ ...repo.toPublicUser(row), online: online.has(row.id) }));
  }

  // -------------------------------------------------------------------------------------------
  // Joining, leaving and creating rooms
  // -------------------------------------------------------------------------------------------

  async joinChannel(user: PublicUser, roomId: string): Promise<Outcome<MyRoom>> {
    await enforce(this.deps.limiter, 'join', user.id);
    return this.deps.writes.run(async (trx) => {
      const row = (await repo.lockRoom(trx, roomId)) ? await repo.findRoom(trx, roomId) : undefined;
      if (row && (await repo.findMembership(trx, roomId, user.id))) {
        return outcome(await myRoom(trx, user.id, roomId), [subscribe(roomId, [user.id])]);
      }
      const room = row && repo.toRoomRecord(row);
      assertJoinable(room);
      return this.addMemberTo(trx, room, user, 'member');
    });
  }

  async joinByCode(user: PublicUser, rawCode: string, address: string): Promise<Outcome<MyRoom>> {
    const message = 'too many code attempts, try again later';
    await enforce(this.deps.limiter, 'codeGuess', `user:${user.id}`, message);
    await enforce(this.deps.limiter, 'codeGuess', `address:${addressBucket(address)}`, message);
    const code = normaliseCode(rawCode);
    if (!code) throw notFound('no room has that code');
    return this.deps.writes.run(async (trx) => {
      const found = await repo.findRoomBy(trx, 'code', code);
      const row =
        found && (await repo.lockRoom(trx, found.id)) ? await repo.findRoom(trx, found.id) : undefined;
      if (!row) throw notFound('no room has that code');
      if (await repo.findMembership(trx, row.id, user.id)) {
        return outcome(await myRoom(trx, user.id, row.id), [subscribe(row.id, [user.id])]);
      }
      return this.addMemberTo(trx, repo.toRoomRecord(row), user, 'member');
    });
  }

  async leaveRoom(user: PublicUser, roomId: string): Promise<Outcome<Record<string, never>>> {
    await enforce(this.deps.limiter, 'join', user.id);
    return this.deps.writes.run(async (trx) => {
      const room = await this.readableRoom(trx, roomId, user.id);
      assertLeavable(room);
      return outcome({}, await this.removeMemberFrom(trx, room, user, 'left'));
    });
  }

  /**
   * Leaves every code and match room; called when a user has been offline past the grace
   * period. Does nothing if they were seen since `notSeenSince` (they came back meanwhile).
   */
  async leaveEphemeralRooms(userId: string, notSeenSince: number): Promise<Outcome<undefined>> {
    return this.deps.writes.run(async (trx) => {
      const user = await repo.findUserById(trx, userId);
      if (!user || (user.last_seen_at !== null && user.last_seen_at >= notSeenSince))
        return outcome(undefined);
      const effects: Effect[] = [];
      for (const row of await repo.roomsOfUser(trx, userId)) {
        if (!isEphemeral(row.kind)) continue;
        effects.push(
          ...(await this.removeMemberFrom(trx, repo.toRoomRecord(row), repo.toPublicUser(user), 'left')),
        );
      }
      return outcome(undefined, effects);
    });
  }

  /** Deletes code and match rooms left without members (after a crash between two writes). */
  async deleteEmptyEphemeralRooms(): Promise<Outcome<undefined>> {
    return this.deps.writes.run(async (trx) => {
      const effects: Effect[] = [];
      for (const roomId of await repo.emptyEphemeralRooms(trx)) {
        await repo.deleteRoomCascade(trx, roomId);
        effects.push({ kind: 'room-deleted', roomId, reason: 'empty' });
      }
      return outcome(undefined, effects);
    });
  }

  async createRoom(user: PublicUser, input: RequestPayload<'room:create'>): Promise<Outcome<MyRoom>> {
    await enforce(this.deps.limiter, 'roomCreate', user.id);
    const name = normaliseRoomName(input.name);
    if (input.kind === 'channel') {
      if (input.memberIds?.length) throw badRequest('channels are public: members join by themselves');
      try {
        return await this.deps.writes.run(async (trx) => {
          if (await repo.findRoomBy(trx, 'name_key', name.key)) throw channelExists();
          const room = await this.insertRoom(trx, {
            kind: 'channel',
            name: name.display,
            nameKey: name.key,
            ownerId: user.id,
            maxMembers: input.maxMembers ?? null,
          });
          return this.withMembers(trx, room, [{ userId: user.id, role: 'owner' }], user.id);
        });
      } catch (error) {
        throw isUniqueViolation(error) ? channelExists() : error;
      }
    }
    const memberIds = [...new Set([user.id, ...(input.memberIds ?? [])])];
    if (input.maxMembers !== undefined && memberIds.length > input.maxMembers) {
      throw conflict(`the group would have ${memberIds.length} members but allows ${input.maxMembers}`);
    }
    return this.deps.writes.run(async (trx) => {
      const found = await repo.findUsersByIds(trx, memberIds);
      if (found.length !== memberIds.length) throw badRequest('some of the chosen members do not exist');
      const room = await this.insertRoom(trx, {
        kind: 'group',
        name: name.display,
        ownerId: user.id,
        maxMembers: input.maxMembers ?? null,
      });
      const members = memberIds.map((userId) => ({
        userId,
        role: (userId === user.id ? 'owner' : 'member') as MemberRole,
      }));
      return this.withMembers(trx, room, members, user.id);
    });
  }

  async openDm(user: PublicUser, peerId: string): Promise<Outcome<MyRoom>> {
    await enforce(this.deps.limiter, 'dmOpen', user.id);
    if (peerId === user.id) throw badRequest('you cannot open a direct conversation with yourself');
    const key = dmKey(user.id, peerId);
    const open = () =>
      this.deps.writes.run(async (trx) => {
        const existing = await repo.findRoomBy(trx, 'dm_key', key);
        if (existing)
          return outcome(await myRoom(trx, user.id, existing.id), [subscribe(existing.id, [user.id])]);
        if (!(await repo.findUserById(trx, peerId))) throw notFound('user not found');
        const room = await this.insertRoom(trx, { kind: 'dm', dmKey: key });
        const members = [user.id, peerId].map((userId) => ({ userId, role: 'member' as const }));
        return this.withMembers(trx, room, members, user.id);
      });
    // Two nodes opening the same DM at once: the loser finds the winner's room on the retry.
    return open().catch((error: unknown) => (isUniqueViolation(error) ? open() : Promise.reject(error)));
  }

  async createCodeRoom(
    user: PublicUser,
    input: RequestPayload<'code:create'>,
  ): Promise<Outcome<{ room: MyRoom; code: string }>> {
    await enforce(this.deps.limiter, 'roomCreate', user.id);
    const name = input?.name ? normaliseRoomName(input.name).display : null;
    for (let attempt = 0; ; attempt++) {
      const code = generateCode();
      try {
        const result = await this.deps.writes.run(async (trx) => {
          const room = await this.insertRoom(trx, {
            kind: 'code',
            name,
            code,
            ownerId: user.id,
            maxMembers: input?.maxMembers ?? null,
          });
          return this.withMembers(trx, room, [{ userId: user.id, role: 'owner' }], user.id);
        });
        return outcome({ room: result.value, code }, result.effects);
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 5) throw error;
      }
    }
  }

  async addGroupMember(actor: PublicUser, roomId: string, userId: string): Promise<Outcome<Room>> {
    await enforce(this.deps.limiter, 'action', actor.id);
    return this.deps.writes.run(async (trx) => {
      await repo.lockRoom(trx, roomId);
      const room = await this.readableRoom(trx, roomId, actor.id);
      assertCanManageMembers(room, actor.id);
      const target = await repo.findUserById(trx, userId);
      if (!target) throw notFound('user not found');
      if (await repo.findMembership(trx, roomId, userId)) throw conflict('already a member');
      const added = await this.addMemberTo(trx, room, repo.toPublicUser(target), 'member');
      added.effects.push({ kind: 'notify', userId, event: 'room:added', room: added.value });
      return outcome(await this.roomSnapshot(trx, roomId), added.effects);
    });
  }

  async removeGroupMember(actor: PublicUser, roomId: string, userId: string): Promise<Outcome<Room>> {
    await enforce(this.deps.limiter, 'action', actor.id);
    return this.deps.writes.run(async (trx) => {
      const room = await this.readableRoom(trx, roomId, actor.id);
      assertCanManageMembers(room, actor.id);
      if (userId === actor.id) throw badRequest('to remove yourself, leave the group');
      const target = await repo.findUserById(trx, userId);
      if (!target || !(await repo.findMembership(trx, roomId, userId))) throw notFound('not a member');
      const effects = await this.removeMemberFrom(trx, room, repo.toPublicUser(target), 'removed');
      return outcome(await this.roomSnapshot(trx, roomId), effects);
    });
  }

  // -------------------------------------------------------------------------------------------
  // Random matching
  // -------------------------------------------------------------------------------------------

  async requestMatch(
    user: PublicUser,
  ): Promise<Outcome<{ status: 'waiting' } | { status: 'matched'; room: MyRoom }>> {
    await enforce(this.deps.limiter, 'roomCreate', user.id);
    const { matchQueue, presence } = this.deps;
    if (await matchQueue.isWaiting(user.id)) return outcome({ status: 'waiting' });
    let partnerId = await matchQueue.request(user.id);
    // Whoever waits must still be here; anyone who left without cancelling loses their place.
    while (partnerId && !(await presence.onlineAmong([partnerId])).has(partnerId)) {
      await matchQueue.cancel(user.id);
      partnerId = await matchQueue.request(user.id);
    }
    if (!partnerId) return outcome({ status: 'waiting' });
    try {
      return await this.deps.writes.run(async (trx) => {
        const room = await this.insertRoom(trx, { kind: 'match' });
        const members = [partnerId, user.id].map((userId) => ({ userId, role: 'member' as const }));
        const created = await this.withMembers(trx, room, members, user.id);
        const effects = created.effects.map((effect) =>
          effect.kind === 'notify' ? { ...effect, event: 'match:found' as const } : effect,
        );
        effects.push({ kind: 'notify', userId: user.id, event: 'match:found', room: created.value });
        return outcome({ status: 'matched' as const, room: created.value }, effects);
      });
    } catch (error) {
      await matchQueue.requeue(partnerId);
      throw error;
    }
  }

  cancelMatch(userId: string): Promise<boolean> {
    return this.deps.matchQueue.cancel(userId);
  }

  // -------------------------------------------------------------------------------------------
  // Messages
  // -------------------------------------------------------------------------------------------

  async sendMessage(
    author: PublicUser,
    input: RequestPayload<'message:send'>,
  ): Promise<Outcome<{ message: Message; duplicate: boolean }>> {
    await enforce(this.deps.limiter, 'send', author.id, 'you are sending messages too fast');
    const hasAttachments = (input.attachmentIds?.length ?? 0) > 0;
    const text = hasAttachments && !input.text.trim() ? '' : cleanMessageText(input.text);
    // A retry (same clientMsgId) is not looked up before every send. It is caught by
    // UNIQUE(author, clientMsgId) when inserted — also when the same retry lands on two nodes
    // at once — or it is refused because things changed since the original was stored (its
    // author left, its quoted message was deleted). Either way the job rolls back whole, and a
    // second attempt looks first: it returns the stored message, or refuses again.
    return this.storeMessage(author, input, text, false).catch((error: unknown) =>
      isUniqueViolation(error) || error instanceof DomainError
        ? this.storeMessage(author, input, text, true)
        : Promise.reject(error),
    );
  }

  private storeMessage(
    author: PublicUser,
    input: RequestPayload<'message:send'>,
    text: string,
    lookForEarlier: boolean,
  ): Promise<Outcome<{ message: Message; duplicate: boolean }>> {
    return this.deps.writes.run(async (trx) => {
      const earlier = lookForEarlier
        ? await repo.findMessageByClientId(trx, author.id, input.clientMsgId)
        : undefined;
      if (earlier) {
        if (earlier.room_id !== input.roomId)
          throw conflict('that clientMsgId was already used in another room');
        const [message] = await repo.hydrateMessages(trx, [earlier]);
        return outcome({ message: message!, duplicate: true });
      }
      const seq = await repo.nextSeqForMember(trx, input.roomId, author.id);
      if (seq === undefined) throw notFound('room not found');
      let reply: Message['reply'] = null;
      if (input.replyTo) {
        const quoted = await repo.findMessage(trx, input.replyTo);
        if (!quoted || quoted.room_id !== input.roomId || quoted.deleted_at !== null) {
          throw badRequest('replyTo must name a message of the same room');
        }
        const quotedAuthor = quoted.author_id ? await repo.findUserById(trx, quoted.author_id) : undefined;
        reply = {
          id: quoted.id,
          author: quotedAuthor ? repo.toPublicUser(quotedAuthor) : null,
          text: replyExcerpt(quoted.text),
          deleted: false,
        };
      }
      const at = this.deps.now();
      const row = repo.messageRow({
        room_id: input.roomId,
        seq,
        kind: 'user',
        author_id: author.id,
        client_msg_id: input.clientMsgId,
        text,
        reply_to: reply?.id ?? null,
        created_at: at,
      });
      await repo.insertMessage(trx, row);
      const uploads = await repo.attachUploads(trx, input.attachmentIds ?? [], {
        id: row.id,
        roomId: input.roomId,
        authorId: author.id,
        at,
      });
      if (uploads.length !== (input.attachmentIds?.length ?? 0)) {
        throw badRequest('an attachment does not exist, is not yours, or was already sent');
      }
      // The message row is its own log entry (repository.ts, logAfter): nothing more to write.
      const message = repo.toMessage(row, {
        author,
        reply,
        reactions: [],
        attachments: uploads.map(repo.toAttachment),
      });
      return outcome({ message, duplicate: false }, [
        { kind: 'log', event: { type: 'message:new', roomId: input.roomId, seq, at, message } },
      ]);
    });
  }

  async editMessage(user: PublicUser, messageId: string, rawText: string): Promise<Outcome<Message>> {
    await enforce(this.deps.limiter, 'action', user.id);
    const text = cleanMessageText(rawText);
    return this.deps.writes.run(async (trx) => {
      const { row } = await this.messageForMember(trx, messageId, user.id);
      assertCanEdit(toMessageRef(row), user.id);
      if (row.text === text) return outcome((await repo.hydrateMessages(trx, [row]))[0]!);
      const at = this.deps.now();
      await repo.updateMessageText(trx, messageId, text, at);
      const seq = await this.logChange(trx, row.room_id, 'message:updated', messageId, user.id, at);
      const [message] = await repo.hydrateMessages(trx, [{ ...row, text, edited_at: at }]);
      return outcome(message!, [
        { kind: 'log', event: { type: 'message:updated', roomId: row.room_id, seq, at, message: message! } },
      ]);
    });
  }

  async deleteMessage(user: PublicUser, messageId: string): Promise<Outcome<{ messageId: string }>> {
    await enforce(this.deps.limiter, 'action', user.id);
    return this.deps.writes.run(async (trx) => {
      const { row, room } = await this.messageForMember(trx, messageId, user.id);
      assertCanDelete(toMessageRef(row), room, user.id);
      const at = this.deps.now();
      await repo.tombstoneMessage(trx, messageId, at);
      const seq = await this.logChange(trx, row.room_id, 'message:deleted', messageId, user.id, at);
      return outcome({ messageId }, [
        { kind: 'log', event: { type: 'message:deleted', roomId: row.room_id, seq, at, messageId } },
      ]);
    });
  }

  async toggleReaction(
    user: PublicUser,
    messageId: string,
    rawEmoji: string,
  ): Promise<Outcome<{ messageId: string; reactions: Reaction[] }>> {
    await enforce(this.deps.limiter, 'action', user.id);
    const emoji = normaliseEmoji(rawEmoji);
    return this.deps.writes.run(async (trx) => {
      const { row } = await this.messageForMember(trx, messageId, user.id);
      assertCanReact(toMessageRef(row));
      const at = this.deps.now();
      const added = await repo.toggleReaction(trx, { messageId, userId: user.id, emoji, at });
      if (added && (await repo.countDistinctReactions(trx, messageId)) > MAX_DISTINCT_REACTIONS) {
        throw conflict(`a message can carry at most ${MAX_DISTINCT_REACTIONS} different reactions`);
      }
      const seq = await this.logChange(trx, row.room_id, 'reaction:updated', messageId, user.id, at);
      const reactions = await repo.reactionsOf(trx, messageId);
      return outcome({ messageId, reactions }, [
        {
          kind: 'log',
          event: { type: 'reaction:updated', roomId: row.room_id, seq, at, messageId, reactions },
        },
      ]);
    });
  }

  async markRead(userId: string, roomId: string, seq: number): Promise<number> {
    await enforce(this.deps.limiter, 'readMark', userId, 'you are marking messages read too fast');
    return this.deps.writes.run(async (trx) => {
      const room = await this.readableRoom(trx, roomId, userId);
      const upTo = Math.min(seq, room.lastSeq);
      await repo.setLastRead(trx, roomId, userId, upTo);
      return (await repo.findMembership(trx, roomId, userId))?.last_read_seq ?? upTo;
    });
  }

  /**
   * Records when a user was last online (now, or `at` when recording it late); a later time
   * already recorded is kept. Returns the time recorded.
   */
  async markSeen(userId: string, at = this.deps.now()): Promise<number> {
    await this.deps.writes.run((trx) =>
      trx
        .updateTable('users')
        .set({ last_seen_at: at })
        .where('id', '=', userId)
        .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', at)]))
        .execute(),
    );
    return at;
  }

  /** When each of these users was last seen online, as recorded. */
  async lastSeenOf(userIds: readonly string[]): Promise<Map<string, number | null>> {
    const rows = await repo.findUsersByIds(this.db, [...userIds]);
    return new Map(rows.map((row) => [row.id, row.last_seen_at]));
  }

  // -------------------------------------------------------------------------------------------
  // Building blocks
  // -------------------------------------------------------------------------------------------

  /** Reads are limited like writes: one user's flood of them must not slow everyone. */
  private enforceRead(userId: string): Promise<void> {
    return enforce(this.deps.limiter, 'read', userId, 'you are reading too fast, slow down');
  }

  private async readableRoom(db: Executor, roomId: string, userId: string): Promise<RoomRecord> {
    const row = await repo.findRoom(db, roomId);
    const isMember = row ? Boolean(await repo.findMembership(db, roomId, userId)) : false;
    const room = row && repo.toRoomRecord(row);
    assertReadable(room, isMember);
    return room;
  }

  private async messageForMember(db: Executor, messageId: string, userId: string) {
    const row = await repo.findMessage(db, messageId);
    if (!row) throw notFound('message not found');
    const room = await this.readableRoom(db, row.room_id, userId).catch(() => {
      throw notFound('message not found');
    });
    return { row, room };
  }

  private async roomSnapshot(db: Executor, roomId: string): Promise<Room> {
    const row = await repo.findRoom(db, roomId);
    if (!row) throw notFound('room not found');
    return toRoom(row, await repo.countMembers(db, roomId), null, true);
  }

  private async insertRoom(
    trx: Executor,
    room: {
      kind: repo.RoomRow['kind'];
      name?: string | null;
      nameKey?: string;
      code?: string;
      dmKey?: string;
      ownerId?: string;
      maxMembers?: number | null;
    },
  ): Promise<RoomRecord> {
    const row = repo.roomRow({
      kind: room.kind,
      name: room.name ?? null,
      name_key: room.nameKey ?? null,
      code: room.code ?? null,
      dm_key: room.dmKey ?? null,
      owner_id: room.ownerId ?? null,
      max_members: room.maxMembers ?? null,
      created_at: this.deps.now(),
    });
    await repo.insertRoom(trx, row);
    return repo.toRoomRecord(row);
  }

  /** Puts the founding members in a new room; everyone but the actor is told about it. */
  private async withMembers(
    trx: Executor,
    room: RoomRecord,
    members: { userId: string; role: MemberRole }[],
    actorId: string,
  ): Promise<Outcome<MyRoom>> {
    await repo.insertMembers(
      trx,
      room.id,
      members.map((m) => ({ ...m, lastReadSeq: 0 })),
      this.deps.now(),
    );
    const effects: Effect[] = [
      subscribe(
        room.id,
        members.map((m) => m.userId),
      ),
    ];
    const actorView = await myRoom(trx, actorId, room.id);
    for (const { userId } of members) {
      if (userId === actorId) continue;
      // A new room looks the same to every member except for who the "peer" is (DMs, matches).
      const view = actorView.peer ? await myRoom(trx, userId, room.id) : actorView;
      effects.push({ kind: 'notify', userId, event: 'room:added', room: view });
    }
    return outcome(actorView, effects);
  }

  /** Adds one member to an existing room, logged as a "joined" line. The room must be locked. */
  private async addMemberTo(
    trx: Executor,
    room: RoomRecord,
    user: PublicUser,
    role: MemberRole,
  ): Promise<Outcome<MyRoom>> {
    assertHasCapacity(room, await repo.countMembers(trx, room.id));
    const at = this.deps.now();
    const event = await this.logMembership(trx, room.id, user, 'joined', at);
    await repo.insertMembers(trx, room.id, [{ userId: user.id, role, lastReadSeq: event.seq }], at);
    return outcome(await myRoom(trx, user.id, room.id), [
      subscribe(room.id, [user.id]),
      { kind: 'log', event },
    ]);
  }

  /**
   * Takes a member out of a room. The "left" line goes to the room while the leaver still
   * receives it; then the leaver's sockets are detached. Rooms that end when a member goes
   * (matches) or when they empty (code rooms, groups) are deleted with their history.
   */
  private async removeMemberFrom(
    trx: Executor,
    room: RoomRecord,
    user: PublicUser,
    how: 'left' | 'removed',
  ): Promise<Effect[]> {
    await repo.lockRoom(trx, room.id);
    if (!(await repo.deleteMember(trx, room.id, user.id))) return [];
    const remaining = await repo.countMembers(trx, room.id);
    if (afterMemberLeft(room, remaining) === 'delete') {
      await repo.deleteRoomCascade(trx, room.id);
      return [{ kind: 'room-deleted', roomId: room.id, reason: room.kind === 'match' ? 'ended' : 'empty' }];
    }
    const at = this.deps.now();
    const effects: Effect[] = [
      { kind: 'log', event: await this.logMembership(trx, room.id, user, 'left', at) },
    ];
    effects.push(unsubscribe(room.id, [user.id]));
    effects.push({ kind: 'room-gone', userId: user.id, roomId: room.id, reason: how });
    if (room.ownerId === user.id && room.kind === 'group') {
      // The longest-standing member inherits the group so someone can still manage it.
      const [heir] = await repo.listMembers(trx, room.id);
      if (heir) {
        await trx.updateTable('rooms').set({ owner_id: heir.id }).where('id', '=', room.id).execute();
        await trx
          .updateTable('room_members')
          .set({ role: 'owner' })
          .where('room_id', '=', room.id)
          .where('user_id', '=', heir.id)
          .execute();
        const seq = await this.logChange(trx, room.id, 'room:updated', null, heir.id, at);
        const snapshot = await this.roomSnapshot(trx, room.id);
        effects.push({
          kind: 'log',
          event: { type: 'room:updated', roomId: room.id, seq, at, room: snapshot },
        });
      }
    }
    return effects;
  }

  private async logMembership(
    trx: Executor,
    roomId: string,
    user: PublicUser,
    system: 'joined' | 'left',
    at: number,
  ): Promise<Extract<LogEvent, { type: 'room:member-joined' | 'room:member-left' }>> {
    const seq = await repo.nextSeq(trx, roomId);
    // Like a user's message, the system line is its own log entry.
    const row = repo.messageRow({
      room_id: roomId,
      seq,
      kind: 'system',
      author_id: user.id,
      system,
      created_at: at,
    });
    await repo.insertMessage(trx, row);
    const message = repo.toMessage(row, { author: user, reply: null, reactions: [] });
    return system === 'joined'
      ? { type: 'room:member-joined', roomId, seq, at, user, message }
      : { type: 'room:member-left', roomId, seq, at, userId: user.id, message };
  }

  private async logChange(
    trx: Executor,
    roomId: string,
    type: 'message:updated' | 'message:deleted' | 'reaction:updated' | 'room:updated',
    messageId: string | null,
    userId: string,
    at: number,
  ): Promise<number> {
    const seq = await repo.nextSeq(trx, roomId);
    await repo.appendEvent(trx, { roomId, seq, type, messageId, userId, at });
    return seq;
  }
}

const subscribe = (roomId: string, userIds: string[]): Effect => ({ kind: 'subscribe', roomId, userIds });
const unsubscribe = (roomId: string, userIds: string[]): Effect => ({ kind: 'unsubscribe', roomId, userIds });
const channelExists = () => conflict('a channel with that name already exists');
const toMessageRef = (row: repo.MessageRow) => ({
  authorId: row.author_id,
  kind: row.kind,
  deletedAt: row.deleted_at,
});
