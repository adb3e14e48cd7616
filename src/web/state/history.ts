import type { HistoryPage } from '../../shared/protocol.js';
import { mergeHistory, newestSeq, oldestSeq, type RoomView, replaceWindow } from './log.js';
import { catchUpQuietly, RequestError, type Server } from './server.js';
import type { ChatStore } from './store.js';

const PAGE_SIZE = 50;

/**
 * A room's history, fetched a page at a time: the newest page on opening, older pages as the
 * reader scrolls up, and — for a link to an old message — the page around it, then newer pages
 * as the reader scrolls down until the window joins the live end (`RoomView.hasNewer`).
 */
export class History {
  /** Per room, the latest load that replaces the window: an earlier one answering late loses. */
  private readonly windowLoads = new Map<string, number>();
  private loads = 0;
  private readonly loadingNewer = new Set<string>();
  /**
   * Rooms whose window is being replaced, by the load doing it. No older or newer page is
   * asked for meanwhile: it would be computed from the window on its way out and tagged with
   * the one coming in, and merged there it would leave a hole (and cut the window off from
   * the live end, so that every live message lands after the hole).
   */
  private readonly replacing = new Map<string, number>();

  constructor(
    private readonly store: ChatStore,
    private readonly server: Server,
    /** Replays the log from the rooms' cursors (the sync's). */
    private readonly resync: () => Promise<void>,
  ) {}

  async loadNewest(roomId: string): Promise<void> {
    const view = this.store.getState().rooms[roomId];
    if (view?.hasNewer) return this.replace(roomId, `limit=${PAGE_SIZE}`);
    const page = await this.fetch(roomId, `limit=${PAGE_SIZE}`);
    if (page) this.merge(roomId, page, (v) => mergeHistory(v, page.messages, page.nextBefore !== null));
  }

  async loadOlder(roomId: string): Promise<void> {
    const view = this.store.getState().rooms[roomId];
    const before = view && oldestSeq(view);
    if (!view?.hasOlder || before === undefined || this.replacing.has(roomId)) return;
    const page = await this.fetch(roomId, `limit=${PAGE_SIZE}&before=${before}`);
    if (page) this.merge(roomId, page, (v) => mergeHistory(v, page.messages, page.nextBefore !== null));
  }

  /** The next page towards the newest, for a window opened around an old message. */
  async loadNewer(roomId: string): Promise<void> {
    const view = this.store.getState().rooms[roomId];
    const after = view && newestSeq(view);
    // One at a time: the list asks whenever its end is in view.
    if (
      !view?.hasNewer ||
      after === undefined ||
      this.loadingNewer.has(roomId) ||
      this.replacing.has(roomId)
    ) {
      return;
    }
    this.loadingNewer.add(roomId);
    const page = await this.fetch(roomId, `limit=${PAGE_SIZE}&after=${after}`).finally(() =>
      this.loadingNewer.delete(roomId),
    );
    // Reaching the newest message, the window joins the live end: from here on, new messages
    // are added as they come (and merge's replay brings any that came while this loaded).
    if (page)
      this.merge(roomId, page, (v) => ({
        ...mergeHistory(v, page.messages, v.hasOlder),
        hasNewer: v.hasNewer && page.nextAfter !== null,
      }));
  }

  /**
   * Makes sure a message is loaded, for a link to it: if it is not in the window, the window
   * becomes the page around it. Resolves to whether the message is there (false: deleted, or
   * not in this room).
   */
  async loadAround(roomId: string, messageId: string): Promise<boolean> {
    const has = () => Boolean(this.store.getState().rooms[roomId]?.messages.some((m) => m.id === messageId));
    if (has()) return true;
    await this.replace(roomId, `limit=${PAGE_SIZE}&aroundMessage=${encodeURIComponent(messageId)}`);
    return has();
  }

  /** The page around a seq: opening a room at its first unread message. */
  loadAroundSeq(roomId: string, seq: number): Promise<void> {
    return this.replace(roomId, `limit=${PAGE_SIZE}&around=${seq}`);
  }

  private async replace(roomId: string, query: string): Promise<void> {
    const load = ++this.loads;
    this.windowLoads.set(roomId, load);
    this.replacing.set(roomId, load);
    const page = await this.request(roomId, query).finally(() => {
      if (this.replacing.get(roomId) === load) this.replacing.delete(roomId);
    });
    if (!page || this.windowLoads.get(roomId) !== load) return;
    this.merge(roomId, page, (v) =>
      replaceWindow(v, page.messages, {
        hasOlder: page.nextBefore !== null,
        hasNewer: page.nextAfter !== null,
      }),
    );
  }

  /**
   * Fetches a page, or nothing if the window was replaced meanwhile (the newest page that
   * opening a room asked for must not land in the window a link opened around an old message).
   */
  private async fetch(roomId: string, query: string): Promise<HistoryPage | undefined> {
    const load = this.windowLoads.get(roomId);
    const page = await this.request(roomId, query);
    return this.windowLoads.get(roomId) === load ? page : undefined;
  }

  private request(roomId: string, query: string): Promise<HistoryPage | undefined> {
    return this.server.attempt(() =>
      this.server.fetchJson<HistoryPage>(`/api/rooms/${roomId}/messages?${query}`).catch((error: unknown) => {
        // A link to a message that is not (or no longer) in the room: the caller says so.
        if (error instanceof RequestError && error.code === '404') return undefined;
        throw error;
      }),
    );
  }

  /**
   * A history page is a snapshot at `page.lastSeq`. Live events applied while it was loading
   * may be newer than it (an edit, a delete, messages a window short of the newest left out);
   * if so, step the cursor back to the snapshot and replay from there, so the page cannot undo
   * them and none is lost.
   */
  private merge(roomId: string, page: HistoryPage, apply: (view: RoomView) => RoomView): void {
    let stale = false;
    this.store.setRoom(roomId, (v) => {
      const merged = apply(v);
      stale = v.cursor > page.lastSeq;
      return stale ? { ...merged, cursor: page.lastSeq } : merged;
    });
    if (stale) catchUpQuietly(() => this.resync());
  }
}
