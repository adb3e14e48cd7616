import type { MyRoom, PublicUser } from '../../shared/protocol.js';
import { enforce } from '../domain/rate-limit.js';
import type { ServiceDeps } from './deps.js';
import { type Outcome, outcome } from './effects.js';
import { insertNewRoom, withMembers } from './room-writes.js';

export type MatchResult = { status: 'waiting' } | { status: 'matched'; room: MyRoom };

/** Random 1:1 matching: wait in the queue (domain/matchmaker.ts) or meet whoever waits. */
export class Matching {
  constructor(private readonly deps: ServiceDeps) {}

  async request(user: PublicUser): Promise<Outcome<MatchResult>> {
    const { limiter, matchQueue, presence, writes, now } = this.deps;
    await enforce(limiter, 'roomCreate', user.id);
    if (await matchQueue.isWaiting(user.id)) return outcome({ status: 'waiting' });
    let partnerId = await matchQueue.request(user.id);
    // Whoever waits must still be here; anyone who left without cancelling loses their place.
    while (partnerId && !(await presence.onlineAmong([partnerId])).has(partnerId)) {
      await matchQueue.cancel(user.id);
      partnerId = await matchQueue.request(user.id);
    }
    if (!partnerId) return outcome({ status: 'waiting' });
    try {
      return await writes.run(async (trx) => {
        const room = await insertNewRoom(trx, now, { kind: 'match' });
        const members = [partnerId, user.id].map((userId) => ({ userId, role: 'member' as const }));
        const created = await withMembers(trx, now, room, members, user.id);
        const effects = created.effects.map((effect) =>
          effect.kind === 'notify' ? { ...effect, event: 'match:found' as const } : effect,
        );
        effects.push({ kind: 'notify', userId: user.id, event: 'match:found', room: created.value });
        return outcome({ status: 'matched' as const, room: created.value }, effects);
      });
    } catch (error) {
      await matchQueue.requeue(partnerId);
      throw error;
    }
  }

  cancel(userId: string): Promise<boolean> {
    return this.deps.matchQueue.cancel(userId);
  }
}
