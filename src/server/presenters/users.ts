import type { Member, PublicUser, RankedUser, Self } from '../../shared/protocol.js';
import { type Policy, serverRightsOf } from '../domain/permissions.js';
import type { MemberRow } from '../store/memberships.js';
import type { UserRow } from '../store/users.js';

/** A user as anyone may see them: never their password hash, name keys or last-seen time. */
export const presentUser = (row: Pick<UserRow, 'id' | 'username' | 'is_guest'>): PublicUser => ({
  id: row.id,
  username: row.username,
  guest: row.is_guest === 1,
});

/** A user with their server role, as a session holds them. */
export const presentRanked = (row: Pick<UserRow, 'id' | 'username' | 'is_guest' | 'role'>): RankedUser => ({
  ...presentUser(row),
  role: row.role,
});

/**
 * The signed-in user as they see themselves: with their server role and what the settings let
 * them start. An active user: a deactivated one has no session to see it with.
 */
export const presentSelf = (user: RankedUser, policy: Policy): Self => ({
  ...user,
  may: serverRightsOf({ id: user.id, role: user.role, deactivated: false }, policy),
});

/** A room member as the member list shows them, with presence from the presence service. */
export const presentMember = (row: MemberRow, online: boolean): Member => ({
  ...presentUser(row),
  role: row.role,
  online,
  lastSeenAt: row.last_seen_at,
  joinedAt: row.joined_at,
  mutedUntil: row.muted_until,
});
