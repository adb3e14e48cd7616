import { enforce } from '../domain/rate-limit.js';
import { findMembership, setLastRead } from '../store/memberships.js';
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
}
