import type { SessionInfo } from '../../shared/protocol.js';
import { requestJson } from './auth.js';

/** The signed-in user's sessions: every browser or app signed in as them, this one marked `current`. */
export const listSessions = async () =>
  ((await requestJson('GET', '/api/me/sessions')) as { sessions: SessionInfo[] }).sessions;

/** Signs out another session: it is back at its sign-in screen at once. */
export const signOutSession = (id: string) =>
  requestJson('DELETE', `/api/me/sessions/${encodeURIComponent(id)}`);

/** Signs out every session but this one; resolves to how many it ended. */
export const signOutOtherSessions = async () =>
  ((await requestJson('POST', '/api/me/sessions/sign-out-others')) as { signedOut: number }).signedOut;
