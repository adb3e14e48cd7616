import type { SessionInfo } from '../../shared/protocol.js';
import { describeDevice } from '../domain/devices.js';
import type { SessionRow } from '../store/sessions.js';

/** A session as its own user sees it in the list; `currentId` is the hashed id of the caller's. */
export const presentSession = (row: SessionRow, currentId: string): SessionInfo => ({
  id: row.public_id,
  current: row.id === currentId,
  device: describeDevice(row.user_agent),
  userAgent: row.user_agent,
  address: row.address,
  createdAt: row.created_at,
  lastActiveAt: row.last_active_at,
  expiresAt: row.expires_at,
});
