import type { Member, PublicUser, Self } from '../../shared/protocol.js';
import type { MemberRow } from '../store/memberships.js';
import type { UserRow } from '../store/users.js';

/** A user as anyone may see them: never their password hash, name keys or last-seen time. */
export const presentUser = (row: Pick<UserRow, 'id' | 'username' | 'is_guest'>): PublicUser => ({
  id: row.id,
  username: row.username,
  guest: row.is_guest === 1,
});

/** The signed-in user as they see themselves: with their server role. */
export const presentSelf = (row: Pick<UserRow, 'id' | 'username' | 'is_guest' | 'role'>): Self => ({
  ...presentUser(row),
  role: row.role,
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
