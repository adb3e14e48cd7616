import type { Invite } from '../../shared/protocol.js';
import type { ServerSettings } from '../../shared/schemas.js';
import { requestJson } from './auth.js';

/** Who may come in: the server's settings and invite links (admins; docs/administration.md). */

export const loadSettings = async () =>
  ((await requestJson('GET', '/api/admin/settings')) as { settings: ServerSettings }).settings;

export const saveSettings = async (change: Partial<ServerSettings>) =>
  ((await requestJson('PUT', '/api/admin/settings', change)) as { settings: ServerSettings }).settings;

export const loadInvites = async () =>
  ((await requestJson('GET', '/api/invites')) as { invites: Invite[] }).invites;

export const createInvite = (input: { expiresInHours: number | null; maxUses: number | null }) =>
  requestJson('POST', '/api/invites', input) as Promise<{ invite: Invite; token: string; path: string }>;

export const revokeInvite = async (id: string) =>
  ((await requestJson('DELETE', `/api/invites/${encodeURIComponent(id)}`)) as { invite: Invite }).invite;
