import { enforce } from '../domain/rate-limit.js';
import { findMembership, resetLastRead, roomsOfUser, setLastRead } from '../store/memberships.js';
import type { ServiceDeps } from './deps.js';
import { readableRoom } from './room-writes.js';

/** Read positions: how far in each room a member has read (unread counts come from them). */
export class ReadMarks {
  constructor(private readonly deps: ServiceDeps) {}

  /** Moves the read position forward (never back, never past the log); returns where it is. */
  async mark(userId: string, roomId: string, seq: number): Promise<number> {
    await enforce(this.deps.limiter, 'readMark', userId, 'you are marking messages read too fast');
    return this.deps.writes.run(async (trx) => {
      const room = await readableRoom(trx, roomId, userId);
      const upTo = Math.min(seq, room.lastSeq);
      await setLastRead(trx, roomId, userId, upTo);
      return (await findMembership(trx, roomId, userId))?.last_read_seq ?? upTo;
    });
  }

  /**
   * "Mark as unread" from a message: the read position becomes the seq just before it, back
   * as well as forward, never below 0 nor past the log. Returns it with the unread count.
   */
  async markUnread(
    userId: string,
    roomId: string,
    seq: number,
  ): Promise<{ lastReadSeq: number; unread: number }> {
    await enforce(this.deps.limiter, 'readMark', userId, 'you are marking messages read too fast');
    return this.deps.writes.run(async (trx) => {
      const room = await readableRoom(trx, roomId, userId);
      await resetLastRead(trx, roomId, userId, Math.max(0, Math.min(seq - 1, room.lastSeq)));
      const [mine] = await roomsOfUser(trx, userId, roomId);
      return { lastReadSeq: Number(mine?.last_read_seq ?? 0), unread: Number(mine?.unread ?? 0) };
    });
  }
}
