import type { HeldAttachment } from '../api/uploads.js';

/**
 * Messages written but not yet acknowledged. Kept in localStorage (per user) so a message typed
 * while offline survives a reload and is sent once the socket is back. Each item keeps the
 * clientMsgId it was given when the user pressed send: however many times it is retried, the
 * server stores it once.
 */
export interface OutboxItem {
  clientMsgId: string;
  roomId: string;
  text: string;
  /** Already uploaded; the message binds them when it is stored. */
  attachments?: HeldAttachment[];
  replyTo?: string;
  createdAt: number;
  status: 'pending' | 'sending' | 'failed';
  error?: string;
}

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class Outbox {
  private items: OutboxItem[];
  /** Once the user's data is forgotten (signed out), nothing is written back. */
  private closed = false;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly key: string,
  ) {
    this.items = this.load().map((item) =>
      item.status === 'sending' ? { ...item, status: 'pending' as const } : item,
    );
    this.save();
  }

  list(): readonly OutboxItem[] {
    return this.items;
  }

  forRoom(roomId: string): OutboxItem[] {
    return this.items.filter((item) => item.roomId === roomId);
  }

  /**
   * Re-reads the stored list: another tab of the same user may have changed it. Every change
   * below starts from the stored list, so two tabs never overwrite each other's messages (and
   * if both send the same item, its clientMsgId keeps it single on the server).
   */
  refresh(): void {
    this.items = this.load();
  }

  add(item: Omit<OutboxItem, 'status'>): OutboxItem {
    this.refresh();
    const added: OutboxItem = { ...item, status: 'pending' };
    this.items = [...this.items, added];
    this.save();
    return added;
  }

  /** The next item to send: the oldest pending one (messages go out in the order written). */
  next(): OutboxItem | undefined {
    return this.items.find((item) => item.status === 'pending');
  }

  mark(clientMsgId: string, status: OutboxItem['status'], error?: string): void {
    this.refresh();
    this.items = this.items.map((item) =>
      item.clientMsgId === clientMsgId
        ? { ...item, status, ...(error ? { error } : { error: undefined }) }
        : item,
    );
    this.save();
  }

  remove(clientMsgId: string): void {
    this.refresh();
    this.items = this.items.filter((item) => item.clientMsgId !== clientMsgId);
    this.save();
  }

  /** After a reload or reconnect nothing is in flight any more: what was sending is pending again. */
  resetInFlight(): void {
    this.refresh();
    if (!this.items.some((item) => item.status === 'sending')) return;
    this.items = this.items.map((item) =>
      item.status === 'sending' ? { ...item, status: 'pending' } : item,
    );
    this.save();
  }

  private load(): OutboxItem[] {
    try {
      const raw = this.storage.getItem(this.key);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      if (!Array.isArray(parsed)) return [];
      return parsed
        .filter(
          (item): item is OutboxItem =>
            typeof item?.clientMsgId === 'string' && typeof item?.roomId === 'string',
        )
        .map((item) => (item.status === 'sending' ? { ...item, status: 'pending' as const } : item));
    } catch {
      return [];
    }
  }

  /** Stops writing to storage: a send that settles after sign-out must not store it again. */
  close(): void {
    this.closed = true;
  }

  private save(): void {
    if (this.closed) return;
    try {
      this.storage.setItem(this.key, JSON.stringify(this.items));
    } catch {
      // Storage full or disabled: the outbox still works for this page's lifetime.
    }
  }
}
