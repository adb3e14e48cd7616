import type { HeldAttachment } from '../api/uploads.js';
import { upsertMessage } from './log.js';
import type { Outbox } from './outbox.js';
import { RequestError, type Server } from './server.js';
import type { ChatStore } from './store.js';

const RETRY_DELAY_MS = 2_000;
/** Refusals that say "not now" rather than "never": the item stays pending and is tried again. */
const RETRYABLE_CODES = ['rate_limited', 'unavailable', 'internal'];

/**
 * What the user writes: new messages go through the outbox (stored until acknowledged, sent
 * one at a time in order, never twice), edits, deletions and reactions straight to the server.
 */
export class Sends {
  private flushing = false;
  private stopped = false;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: ChatStore,
    private readonly server: Server,
    private readonly outbox: Outbox,
    outboxKey: string,
  ) {
    // Another tab of this user changed the shared outbox: show it, and help send it.
    if (typeof window !== 'undefined') {
      window.addEventListener('storage', (event) => {
        if (event.key !== outboxKey) return;
        this.outbox.refresh();
        this.showOutbox();
        void this.flushOutbox();
      });
    }
  }

  send(roomId: string, text: string, replyTo?: string, attachments: HeldAttachment[] = []): void {
    this.outbox.add({
      clientMsgId: crypto.randomUUID(),
      roomId,
      text,
      ...(replyTo ? { replyTo } : {}),
      ...(attachments.length > 0 ? { attachments } : {}),
      createdAt: Date.now(),
    });
    this.showOutbox();
    void this.flushOutbox();
  }

  retry(clientMsgId: string): void {
    this.outbox.mark(clientMsgId, 'pending');
    this.showOutbox();
    void this.flushOutbox();
  }

  discard(clientMsgId: string): void {
    this.outbox.remove(clientMsgId);
    this.showOutbox();
  }

  /** After a reconnect nothing is in flight any more: send what waits, from the start. */
  resume(): void {
    this.outbox.resetInFlight();
    this.showOutbox();
    void this.flushOutbox();
  }

  /**
   * Sends waiting messages one at a time, oldest first. A timeout or a lost connection leaves
   * the item pending for the next attempt (same clientMsgId, so never stored twice); a refusal
   * marks it failed with the reason, for the user to retry or discard.
   */
  async flushOutbox(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    clearTimeout(this.flushTimer);
    try {
      for (let item = this.outbox.next(); item && this.server.socket.connected; item = this.outbox.next()) {
        this.outbox.mark(item.clientMsgId, 'sending');
        this.showOutbox();
        try {
          const { message } = await this.server.request('message:send', {
            roomId: item.roomId,
            clientMsgId: item.clientMsgId,
            text: item.text,
            ...(item.replyTo ? { replyTo: item.replyTo } : {}),
            ...(item.attachments?.length ? { attachmentIds: item.attachments.map((a) => a.id) } : {}),
          });
          this.outbox.remove(item.clientMsgId);
          // Shown at once; the broadcast that follows advances the cursor without a duplicate.
          // Not in a window short of the newest: it belongs after messages not loaded yet.
          this.store.setRoom(item.roomId, (v) =>
            v.hasNewer ? v : { ...v, messages: upsertMessage(v.messages, message) },
          );
          this.showOutbox();
        } catch (error) {
          const retryable = !(error instanceof RequestError) || RETRYABLE_CODES.includes(error.code);
          // Stopped meanwhile (signed out): the socket's disconnect is what failed this send.
          if (this.stopped) return;
          if (retryable) {
            this.outbox.mark(item.clientMsgId, 'pending');
            this.showOutbox();
            this.flushTimer = setTimeout(() => void this.flushOutbox(), RETRY_DELAY_MS);
            return;
          }
          this.outbox.mark(item.clientMsgId, 'failed', (error as Error).message);
          this.showOutbox();
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  async edit(messageId: string, text: string): Promise<boolean> {
    return Boolean(await this.server.attempt(() => this.server.request('message:edit', { messageId, text })));
  }

  async remove(messageId: string): Promise<void> {
    await this.server.attempt(() => this.server.request('message:delete', { messageId }));
  }

  async react(messageId: string, emoji: string): Promise<void> {
    await this.server.attempt(() => this.server.request('reaction:toggle', { messageId, emoji }));
  }

  setTyping(roomId: string, typing: boolean): void {
    if (this.server.socket.connected) void this.server.request('typing', { roomId, typing }).catch(() => {});
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.flushTimer);
  }

  /** The store shows the outbox as it is now. */
  private showOutbox(): void {
    this.store.update(() => ({ outbox: this.outbox.list() }));
  }
}
