import type { Logger } from 'pino';
import type { ChatService } from './chat.js';
import type { Effect } from './effects.js';

/**
 * Code rooms and random matches live only while their members are around. When a user's last
 * socket closes we wait a grace period (long enough for a page reload or a network blip);
 * if they are still away, they leave every such room, which deletes rooms left empty and
 * ends matches. A timer per offline user, cancelled when they come back.
 */
export class EphemeralRooms {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly chat: ChatService,
    private readonly deps: {
      graceMs: number;
      isOnline(userId: string): boolean;
      apply(effects: Effect[]): void;
      logger: Logger;
    },
  ) {}

  userOnline(userId: string): void {
    const timer = this.timers.get(userId);
    if (timer) clearTimeout(timer);
    this.timers.delete(userId);
  }

  userOffline(userId: string): void {
    this.userOnline(userId);
    const timer = setTimeout(() => {
      this.timers.delete(userId);
      void this.expire(userId);
    }, this.deps.graceMs);
    timer.unref();
    this.timers.set(userId, timer);
  }

  /**
   * After a restart nobody is connected: give everyone the grace period to come back, then
   * expire those who did not, and clear rooms a crash left empty.
   */
  async afterBoot(memberIds: string[]): Promise<void> {
    this.deps.apply(await this.chat.deleteEmptyEphemeralRooms());
    for (const userId of new Set(memberIds)) if (!this.deps.isOnline(userId)) this.userOffline(userId);
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async expire(userId: string): Promise<void> {
    if (this.deps.isOnline(userId)) return;
    try {
      this.deps.apply(await this.chat.leaveEphemeralRooms(userId));
    } catch (error) {
      this.deps.logger.error({ err: error, userId }, 'could not end ephemeral rooms of an absent user');
    }
  }
}
