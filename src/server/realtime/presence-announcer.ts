import type { Logger } from 'pino';
import type { PresenceEvent } from '../../shared/protocol.js';
import type { Presence } from '../domain/presence.js';

export interface PresenceAnnouncerDeps {
  presence: Presence;
  /** Records when a user was last online (now, or `at`); returns the time recorded. */
  markSeen(userId: string, at?: number): Promise<number>;
  /** When each of these users was last seen, as recorded. */
  lastSeenOf(userIds: readonly string[]): Promise<Map<string, number | null>>;
  /** Takes a user who is gone out of the random-match line. */
  cancelMatch(userId: string): Promise<unknown>;
  /** Tells everyone who shares a room with the user (on every node). */
  broadcast(event: PresenceEvent): Promise<void>;
  /** How long a user may be without a socket before they are announced offline. */
  graceMs: number;
  now(): number;
  logger: Logger;
}

/**
 * Turns sockets coming and going into presence announcements. Coming online is announced at
 * once (when it is a change); going offline after `graceMs` without a socket anywhere, by
 * whichever node finds it due first — so a reload, a blip or a node's restart shows nothing,
 * and a client reconnecting in a loop costs the people around it one change, not one per
 * connection.
 */
/** Last-seen times the database could not take yet, kept to be written when it can. */
const MAX_UNRECORDED = 100_000;

export class PresenceAnnouncer {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private readonly unrecorded = new Map<string, number>();
  /** Changes that could not be broadcast yet, the latest per user. */
  private readonly unannounced = new Map<string, PresenceEvent>();

  constructor(private readonly deps: PresenceAnnouncerDeps) {}

  /** How often due offlines are looked for: a fraction of the grace, at most a second. */
  get intervalMs(): number {
    return Math.max(25, Math.min(this.deps.graceMs / 2, 1_000));
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  async connected(userId: string): Promise<void> {
    if (await this.deps.presence.connect(userId))
      await this.announce({ userId, online: true, lastSeenAt: null });
  }

  async disconnected(userId: string): Promise<void> {
    const { presence, now, graceMs } = this.deps;
    const at = now();
    // Both, whatever happens to the other: a last-seen the database could not take must not
    // leave the user counted online forever, and the reverse.
    const [seen, gone] = await Promise.allSettled([
      this.deps.markSeen(userId, at),
      presence.disconnect(userId, at + graceMs),
    ]);
    // Without it the ephemeral sweep would take the user for long gone once the database is
    // back: written at the next tick that can, with the time it happened.
    if (seen.status === 'rejected' && this.unrecorded.size < MAX_UNRECORDED) this.unrecorded.set(userId, at);
    // Nobody waits in the match line without a socket, not even for the grace.
    if (gone.status === 'fulfilled' && gone.value) await this.deps.cancelMatch(userId);
    for (const result of [seen, gone]) if (result.status === 'rejected') throw result.reason;
  }

  /** One round: record who left without a goodbye, then announce what changed. */
  tick(): Promise<void> {
    this.ticking ??= this.announceChanges()
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'could not announce presence'))
      .finally(() => {
        this.ticking = undefined;
      });
    return this.ticking;
  }

  private async announceChanges(): Promise<void> {
    const { now } = this.deps;
    await this.recordLastSeen();
    // From here on what the tick claimed is kept until it is announced: the database (for
    // last-seen, and to find the user's rooms) may be away while Redis is not.
    const changes = await this.deps.presence.tick(now());
    for (const userId of changes.gone) if (!this.unrecorded.has(userId)) this.unrecorded.set(userId, now());
    await this.recordLastSeen();
    for (const userId of changes.online)
      this.unannounced.set(userId, { userId, online: true, lastSeenAt: null });
    if (changes.offline.length > 0) {
      const lastSeen = await this.deps.lastSeenOf(changes.offline).catch(() => new Map<string, number>());
      for (const userId of changes.offline) {
        await this.deps.cancelMatch(userId).catch(() => {});
        this.unannounced.set(userId, { userId, online: false, lastSeenAt: lastSeen.get(userId) ?? now() });
      }
    }
    for (const [userId, event] of this.unannounced) {
      await this.deps.broadcast(event);
      this.unannounced.delete(userId);
    }
  }

  /** Tells the user's rooms now, or — if that fails — at the next tick that can. */
  private async announce(event: PresenceEvent): Promise<void> {
    try {
      await this.deps.broadcast(event);
    } catch (error) {
      this.unannounced.set(event.userId, event);
      throw error;
    }
  }

  private async recordLastSeen(): Promise<void> {
    for (const [userId, at] of this.unrecorded) {
      await this.deps.markSeen(userId, at);
      this.unrecorded.delete(userId);
    }
  }
}
