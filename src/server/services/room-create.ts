import type { MyRoom, PublicUser, RequestPayload } from '../../shared/protocol.js';
import { generateCode } from '../domain/codes.js';
import { badRequest, conflict, notFound } from '../domain/errors.js';
import { enforce } from '../domain/rate-limit.js';
import { dmKey, type MemberRole, normaliseRoomName } from '../domain/rooms.js';
import { isUniqueViolation } from '../store/errors.js';
import { findRoomBy } from '../store/rooms.js';
import { findUserById, findUsersByIds } from '../store/users.js';
import type { ServiceDeps } from './deps.js';
import { type Outcome, outcome } from './effects.js';
import { requireServerRight } from './rights.js';
import { insertNewRoom, subscribe, withMembers } from './room-writes.js';
import { loadMyRoom } from './views/rooms.js';

const channelExists = () => conflict('a channel with that name already exists', 'name');

/** Creating rooms: channels and groups, direct conversations, and rooms joined with a code. */
export class RoomCreation {
  constructor(private readonly deps: ServiceDeps) {}

  async create(user: PublicUser, input: RequestPayload<'room:create'>): Promise<Outcome<MyRoom>> {
    const { limiter, writes, now } = this.deps;
    await enforce(limiter, 'roomCreate', user.id);
    const name = normaliseRoomName(input.name);
    const policy = await this.deps.settings.policy();
    if (input.kind === 'channel') {
      if (input.memberIds?.length) throw badRequest('channels are public: members join by themselves');
      try {
        return await writes.run(async (trx) => {
          await requireServerRight(trx, user.id, 'create-room', policy);
          if (await findRoomBy(trx, 'name_key', name.key)) throw channelExists();
          const room = await insertNewRoom(trx, now, {
            kind: 'channel',
            name: name.display,
            nameKey: name.key,
            ownerId: user.id,
            maxMembers: input.maxMembers ?? null,
          });
          return withMembers(trx, now, room, [{ userId: user.id, role: 'owner' }], user.id);
        });
      } catch (error) {
        throw isUniqueViolation(error) ? channelExists() : error;
      }
    }
    const memberIds = [...new Set([user.id, ...(input.memberIds ?? [])])];
    if (input.maxMembers !== undefined && memberIds.length > input.maxMembers) {
      throw conflict(
        `the group would have ${memberIds.length} members but allows ${input.maxMembers}`,
        'maxMembers',
      );
    }
    return writes.run(async (trx) => {
      await requireServerRight(trx, user.id, 'create-room', policy);
      const found = await findUsersByIds(trx, memberIds);
      if (found.length !== memberIds.length)
        throw badRequest('some of the chosen members do not exist', 'memberIds');
      const room = await insertNewRoom(trx, now, {
        kind: 'group',
        name: name.display,
        ownerId: user.id,
        maxMembers: input.maxMembers ?? null,
      });
      const members = memberIds.map((userId) => ({
        userId,
        role: (userId === user.id ? 'owner' : 'member') as MemberRole,
      }));
      return withMembers(trx, now, room, members, user.id);
    });
  }

  async openDm(user: PublicUser, peerId: string): Promise<Outcome<MyRoom>> {
    const { limiter, writes, now } = this.deps;
    await enforce(limiter, 'dmOpen', user.id);
    if (peerId === user.id) throw badRequest('you cannot open a direct conversation with yourself');
    const key = dmKey(user.id, peerId);
    const policy = await this.deps.settings.policy();
    const open = () =>
      writes.run(async (trx) => {
        const existing = await findRoomBy(trx, 'dm_key', key);
        if (existing)
          return outcome(await loadMyRoom(trx, user.id, existing.id), [subscribe(existing.id, [user.id])]);
        // Starting one is what the guest rule is about: a DM someone opened with them stays theirs.
        await requireServerRight(trx, user.id, 'open-dm', policy);
        if (!(await findUserById(trx, peerId))) throw notFound('user not found');
        const room = await insertNewRoom(trx, now, { kind: 'dm', dmKey: key });
        const members = [user.id, peerId].map((userId) => ({ userId, role: 'member' as const }));
        return withMembers(trx, now, room, members, user.id);
      });
    // Two nodes opening the same DM at once: the loser finds the winner's room on the retry.
    return open().catch((error: unknown) => (isUniqueViolation(error) ? open() : Promise.reject(error)));
  }

  async createCodeRoom(
    user: PublicUser,
    input: RequestPayload<'code:create'>,
  ): Promise<Outcome<{ room: MyRoom; code: string }>> {
    const { limiter, writes, now } = this.deps;
    await enforce(limiter, 'roomCreate', user.id);
    const name = input?.name ? normaliseRoomName(input.name).display : null;
    const policy = await this.deps.settings.policy();
    for (let attempt = 0; ; attempt++) {
      const code = generateCode();
      try {
        const result = await writes.run(async (trx) => {
          await requireServerRight(trx, user.id, 'create-room', policy);
          const room = await insertNewRoom(trx, now, {
            kind: 'code',
            name,
            code,
            ownerId: user.id,
            maxMembers: input?.maxMembers ?? null,
          });
          return withMembers(trx, now, room, [{ userId: user.id, role: 'owner' }], user.id);
        });
        return outcome({ room: result.value, code }, result.effects);
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 5) throw error;
      }
    }
  }
}
