import type { MyRoom } from '../../shared/protocol.js';
import type { Refused, Server } from './server.js';
import type { ChatStore } from './store.js';

/** What joining and leaving need from the rest of the engine. */
export interface MembershipHooks {
  addRoom(room: MyRoom): void;
  dropRoom(roomId: string): void;
  selectRoom(roomId: string): void;
  loadMembers(roomId: string): Promise<void>;
}

/**
 * Getting into rooms and out of them: channels, DMs, groups, code rooms and random matches,
 * and a group owner's adding and removing of members. A room entered opens at once.
 */
export class Membership {
  constructor(
    private readonly store: ChatStore,
    private readonly server: Server,
    private readonly hooks: MembershipHooks,
  ) {}

  joinChannel(roomId: string) {
    return this.enter(() => this.server.request('room:join', { roomId }));
  }

  createRoom(
    kind: 'channel' | 'group',
    name: string,
    memberIds: string[] = [],
    maxMembers?: number,
    onRefused?: Refused,
  ) {
    return this.enter(
      () =>
        this.server.request('room:create', {
          kind,
          name,
          ...(kind === 'group' ? { memberIds } : {}),
          ...(maxMembers ? { maxMembers } : {}),
        }),
      onRefused,
    );
  }

  openDm(userId: string) {
    return this.enter(() => this.server.request('dm:open', { userId }));
  }

  async createCodeRoom(
    name?: string,
    maxMembers?: number,
    onRefused?: Refused,
  ): Promise<{ room: MyRoom; code: string } | undefined> {
    const result = await this.server.attempt(
      () =>
        this.server.request('code:create', {
          ...(name ? { name } : {}),
          ...(maxMembers ? { maxMembers } : {}),
        }),
      onRefused,
    );
    if (!result) return undefined;
    this.open(result.room);
    return result;
  }

  joinCode(code: string, onRefused?: Refused) {
    return this.enter(() => this.server.request('code:join', { code }), onRefused);
  }

  async leave(roomId: string): Promise<void> {
    const left = await this.server.attempt(() => this.server.request('room:leave', { roomId }));
    if (left) this.hooks.dropRoom(roomId);
  }

  async addMember(roomId: string, userId: string): Promise<void> {
    if (await this.server.attempt(() => this.server.request('room:add-member', { roomId, userId })))
      void this.hooks.loadMembers(roomId);
  }

  async removeMember(roomId: string, userId: string): Promise<void> {
    if (await this.server.attempt(() => this.server.request('room:remove-member', { roomId, userId })))
      void this.hooks.loadMembers(roomId);
  }

  async findMatch(): Promise<void> {
    const result = await this.server.attempt(() => this.server.request('match:random', {}));
    if (!result) return;
    if (result.status === 'waiting') this.store.update(() => ({ match: 'waiting' }));
    else this.matched(result.room);
  }

  /** A stranger was found, at once or later (`match:found`): the chat opens. */
  matched(room: MyRoom): void {
    this.hooks.addRoom(room);
    this.store.update(() => ({ match: 'idle' }));
    this.hooks.selectRoom(room.id);
  }

  async cancelMatch(): Promise<void> {
    await this.server.attempt(() => this.server.request('match:cancel', {}));
    this.store.update(() => ({ match: 'idle' }));
  }

  async searchUsers(query: string) {
    if (!query.trim()) return [];
    try {
      return (await this.server.request('users:search', { query })).users;
    } catch {
      return [];
    }
  }

  listChannels() {
    return this.server.request('channels:list', {}).then((r) => r.channels);
  }

  private async enter(
    work: () => Promise<{ room: MyRoom } | undefined>,
    onRefused?: Refused,
  ): Promise<MyRoom | undefined> {
    const result = await this.server.attempt(work, onRefused);
    if (!result) return undefined;
    this.open(result.room);
    return result.room;
  }

  private open(room: MyRoom): void {
    this.hooks.addRoom(room);
    this.hooks.selectRoom(room.id);
  }
}
