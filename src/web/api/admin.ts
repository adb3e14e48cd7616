import type { AdminRoom, AdminUser, AuditEntry, Dashboard, GuestBan, Invite } from '../../shared/protocol.js';
import type { ServerSettings } from '../../shared/schemas.js';
import { requestJson } from './auth.js';

/** Who may come in: the server's settings and invite links (admins; docs/administration.md). */

export const saveSettings = async (change: Partial<ServerSettings>) =>
  ((await requestJson('PUT', '/api/admin/settings', change)) as { settings: ServerSettings }).settings;

export const loadInvites = async () =>
  ((await requestJson('GET', '/api/invites')) as { invites: Invite[] }).invites;

export const createInvite = (input: { expiresInHours: number | null; maxUses: number | null }) =>
  requestJson('POST', '/api/invites', input) as Promise<{ invite: Invite; token: string; path: string }>;

export const revokeInvite = async (id: string) =>
  ((await requestJson('DELETE', `/api/invites/${encodeURIComponent(id)}`)) as { invite: Invite }).invite;

/** The admin page: people, their roles and status, sign-in links, the dashboard, the audit log. */

export const loadPeople = async (query: string) =>
  (
    (await requestJson('GET', `/api/admin/users?query=${encodeURIComponent(query)}&limit=200`)) as {
      users: AdminUser[];
    }
  ).users;

export const changePerson = async (id: string, change: { role?: OperatorRole; deactivated?: boolean }) =>
  ((await requestJson('PATCH', `/api/admin/users/${encodeURIComponent(id)}`, change)) as { user: AdminUser })
    .user;

export const signInLinkFor = (id: string) =>
  requestJson('POST', `/api/admin/users/${encodeURIComponent(id)}/sign-in-link`) as Promise<{
    url: string;
    expiresAt: number;
  }>;

/** Removes every message of theirs, in every room (spam clean-up); answers how many went. */
export const purgeMessagesOf = async (id: string) =>
  (
    (await requestJson('POST', `/api/admin/users/${encodeURIComponent(id)}/purge-messages`, {})) as {
      deleted: number;
    }
  ).deleted;

export const loadDashboard = async () => (await requestJson('GET', '/api/admin/dashboard')) as Dashboard;

export const loadAudit = async (filter: { action?: string; before?: string } = {}) => {
  const query = new URLSearchParams({ limit: '100', ...filter });
  return ((await requestJson('GET', `/api/admin/audit?${query}`)) as { entries: AuditEntry[] }).entries;
};

/** The roles an admin hands out (guests and bots are what they are from the start). */
export type OperatorRole = 'admin' | 'moderator' | 'member';

/** Bans a guest: their name and addresses may not be used by guests again (staff). */
export const banGuest = (id: string, reason?: string) =>
  requestJson('POST', `/api/admin/users/${encodeURIComponent(id)}/guest-ban`, reason ? { reason } : {});

/** Names and addresses kept out of guest sign-ins, newest first (staff). */
export const loadGuestBans = async () =>
  ((await requestJson('GET', '/api/admin/guest-bans')) as { bans: GuestBan[] }).bans;

/**
 * Bans a guest name (and every spelling that looks like it), an address, or both, when no guest
 * holds them now — someone seen elsewhere, or about to come back (staff).
 */
export const banGuestNameOrAddress = (input: { name?: string; address?: string; reason?: string }) =>
  requestJson('POST', '/api/admin/guest-bans', input);

export const liftGuestBan = (id: string) =>
  requestJson('DELETE', `/api/admin/guest-bans/${encodeURIComponent(id)}`);

export const loadRooms = async (query: string) =>
  (
    (await requestJson('GET', `/api/admin/rooms?query=${encodeURIComponent(query)}&limit=200`)) as {
      rooms: AdminRoom[];
    }
  ).rooms;

export const deleteRoom = (id: string) => requestJson('DELETE', `/api/admin/rooms/${encodeURIComponent(id)}`);

/** The settings with what bounds them (the operator's ceilings), for the admin's Settings tab. */
export const loadSettingsWithCeilings = async () =>
  (await requestJson('GET', '/api/admin/settings')) as {
    settings: ServerSettings;
    ceilings: { uploadMaxBytes: number };
  };
