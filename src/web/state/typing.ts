import type { TypingEvent } from '../../shared/protocol.js';
import type { ChatStore } from './store.js';

const TYPING_TTL_MS = 6_000;

/**
 * Who is typing where. A notice lasts a few seconds unless renewed: a "stopped" that never
 * comes (the typist's connection dropped) cannot leave someone typing forever.
 */
export class TypingNotices {
  constructor(private readonly store: ChatStore) {}

  receive(event: TypingEvent): void {
    if (event.userId === this.store.getState().me.id) return;
    if (!event.typing) {
      this.clear(event.roomId, event.userId);
      return;
    }
    const until = Date.now() + TYPING_TTL_MS;
    this.store.update((s) => ({
      typing: { ...s.typing, [event.roomId]: { ...s.typing[event.roomId], [event.userId]: until } },
    }));
    setTimeout(() => {
      if (this.store.getState().typing[event.roomId]?.[event.userId] === until)
        this.clear(event.roomId, event.userId);
    }, TYPING_TTL_MS);
  }

  /** The user stopped, or their message arrived: the notice goes now. */
  clear(roomId: string, userId: string): void {
    if (!this.store.getState().typing[roomId]?.[userId]) return;
    this.store.update((s) => {
      const { [userId]: _stopped, ...rest } = s.typing[roomId] ?? {};
      return { typing: { ...s.typing, [roomId]: rest } };
    });
  }
}
