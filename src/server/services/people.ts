import { LIMITS, type PublicUser, type Self } from '../../shared/protocol.js';
import { enforce } from '../domain/rate-limit.js';
import { usernameKeys } from '../domain/usernames.js';
import { presentRanked, presentSelf, presentUser } from '../presenters/users.js';
import { findUsersByIds, recordLastSeen, searchUsers } from '../store/users.js';
import type { ServiceDeps } from './deps.js';

/** Ids per query: well under SQLite's and PostgreSQL's bound-parameter limits. */
const SELVES_PER_QUERY = 500;

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

  /**
   * How each of these users sees themselves now (role and rights, from the store and the
   * settings), for `me:updated`. Deactivated users are left out: their sockets are closing.
   */
  async selvesOf(userIds: readonly string[]): Promise<Map<string, Self>> {
    const policy = await this.deps.settings.policy();
    const selves = new Map<string, Self>();
    for (let i = 0; i < userIds.length; i += SELVES_PER_QUERY) {
      for (const row of await findUsersByIds(this.deps.db, userIds.slice(i, i + SELVES_PER_QUERY))) {
        if (row.deactivated_at === null) selves.set(row.id, presentSelf(presentRanked(row), policy));
      }
    }
    return selves;
  }

  /** When each of these users was last seen online, as recorded. */
  async lastSeenOf(userIds: readonly string[]): Promise<Map<string, number | null>> {
    const rows = await findUsersByIds(this.deps.db, [...userIds]);
    return new Map(rows.map((row) => [row.id, row.last_seen_at]));
  }
}
