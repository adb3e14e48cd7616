import type { LogEvent, Member, PresenceEvent } from '../../shared/protocol.js';
import type { Server } from './server.js';
import type { ChatState, ChatStore } from './store.js';

/** Who is in each loaded room, and who is online. */
export class Members {
  constructor(
    private readonly store: ChatStore,
    private readonly server: Server,
  ) {}

  async load(roomId: string): Promise<void> {
    try {
      const { members } = await this.server.request('room:members', { roomId });
      this.store.update((s) => {
        const presence = { ...s.presence };
        for (const m of members) presence[m.id] = { online: m.online, lastSeenAt: m.lastSeenAt };
        return { members: { ...s.members, [roomId]: members }, presence };
      });
    } catch {
      // Members are a nicety; the room works without them.
    }
  }

  setPresence(event: PresenceEvent): void {
    this.store.update((s) => {
      const members = Object.fromEntries(
        Object.entries(s.members).map(([roomId, list]) => [
          roomId,
          list.map((m) =>
            m.id === event.userId
              ? { ...m, online: event.online, lastSeenAt: event.lastSeenAt ?? m.lastSeenAt }
              : m,
          ),
        ]),
      );
      return {
        presence: { ...s.presence, [event.userId]: { online: event.online, lastSeenAt: event.lastSeenAt } },
        members,
      };
    });
  }
}

/** Keeps a loaded member list in step with joins, leaves, roles and mutes. */
export function membersAfter(state: ChatState, event: LogEvent): ChatState['members'] {
  const list = state.members[event.roomId];
  if (!list) return state.members;
  if (event.type === 'room:member-joined' && !list.some((m) => m.id === event.user.id)) {
    const presence = state.presence[event.user.id];
    const member: Member = {
      ...event.user,
      role: 'member',
      mutedUntil: null,
      online: presence?.online ?? true,
      lastSeenAt: presence?.lastSeenAt ?? null,
      joinedAt: event.at,
    };
    return { ...state.members, [event.roomId]: [...list, member] };
  }
  if (event.type === 'room:member-left') {
    return { ...state.members, [event.roomId]: list.filter((m) => m.id !== event.userId) };
  }
  if (event.type === 'room:member-updated') {
    const { userId, role, mutedUntil } = event;
    return {
      ...state.members,
      [event.roomId]: list.map((m) => (m.id === userId ? { ...m, role, mutedUntil } : m)),
    };
  }
  return state.members;
}
