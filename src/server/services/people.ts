import { LIMITS, type PublicUser } from '../../shared/protocol.js';
import { enforce } from '../domain/rate-limit.js';
import { usernameKeys } from '../domain/usernames.js';
import { presentUser } from '../presenters/users.js';
import { findUsersByIds, recordLastSeen, searchUsers } from '../store/users.js';
import type { ServiceDeps } from './deps.js';

/** Finding people by name, and when each was last seen online. */
export class People {
  constructor(private readonly deps: ServiceDeps) {}

  async search(userId: string, query: string): Promise<(PublicUser & { online: boolean })[]> {
    await enforce(this.deps.limiter, 'lookup', userId);
    const prefix = usernameKeys(query);
    if (!prefix.key) return [];
    const rows = (await searchUsers(this.deps.db, prefix, LIMITS.userSearchMax + 1))
      .filter((row) => row.id !== userId)
      .slice(0, LIMITS.userSearchMax);
    const online = await this.deps.presence.onlineAmong(rows.map((r) => r.id));
    return rows.map((row) => ({ ...presentUser(row), online: online.has(row.id) }));
  }

  /**
   * Records when a user was last online (now, or `at` when recording it late); a later time
   * already recorded is kept. Returns the time recorded.
   */
  async markSeen(userId: string, at = this.deps.now()): Promise<number> {
    await this.deps.writes.run((trx) => recordLastSeen(trx, userId, at));
    return at;
  }

  /** When each of these users was last seen online, as recorded. */
  async lastSeenOf(userIds: readonly string[]): Promise<Map<string, number | null>> {
    const rows = await findUsersByIds(this.deps.db, [...userIds]);
    return new Map(rows.map((row) => [row.id, row.last_seen_at]));
  }
}
