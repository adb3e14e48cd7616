import type { HistoryPage } from '../../shared/protocol.js';
import { mergeHistory, oldestSeq } from './log.js';
import { catchUpQuietly, type Server } from './server.js';
import type { ChatStore } from './store.js';

const PAGE_SIZE = 50;

/** A room's older messages, fetched a page at a time as the reader scrolls up. */
export class History {
  constructor(
    private readonly store: ChatStore,
    private readonly server: Server,
    /** Replays the log from the rooms' cursors (the sync's). */
    private readonly resync: () => Promise<void>,
  ) {}

  async loadNewest(roomId: string): Promise<void> {
    const page = await this.server.attempt(() =>
      this.server.fetchJson<HistoryPage>(`/api/rooms/${roomId}/messages?limit=${PAGE_SIZE}`),
    );
    if (page) this.merge(roomId, page);
  }

  async loadOlder(roomId: string): Promise<void> {
    const view = this.store.getState().rooms[roomId];
    const before = view && oldestSeq(view);
    if (!view?.hasOlder || before === undefined) return;
    const page = await this.server.attempt(() =>
      this.server.fetchJson<HistoryPage>(`/api/rooms/${roomId}/messages?limit=${PAGE_SIZE}&before=${before}`),
    );
    if (page) this.merge(roomId, page);
  }

  /**
   * A history page is a snapshot at `page.lastSeq`. Live events applied while it was loading
   * may be newer than it (an edit, a delete); if so, step the cursor back to the snapshot and
   * replay from there, so the page cannot undo them.
   */
  private merge(roomId: string, page: HistoryPage): void {
    let stale = false;
    this.store.setRoom(roomId, (v) => {
      const merged = mergeHistory(v, page.messages, page.nextBefore !== null);
      stale = v.cursor > page.lastSeq;
      return stale ? { ...merged, cursor: page.lastSeq } : merged;
    });
    if (stale) catchUpQuietly(() => this.resync());
  }
}
