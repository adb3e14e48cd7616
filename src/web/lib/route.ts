import type { MyRoom } from '../../shared/protocol.js';

/**
 * The address of what is open, in the hash so the server serves the same page for all of them:
 *
 * - `#/c/<name>`: a channel, by its name (readable, and what people paste);
 * - `#/r/<roomId>`: any room by id (groups, DMs, code rooms have no unique name);
 * - `#/r/<roomId>/m/<messageId>`: one message (ids, so a rename never breaks a link);
 * - `#/code/<code>`: a code room's share link, which joins it (ChatApp handles it).
 */
export type Route =
  | { kind: 'none' }
  | { kind: 'channel'; name: string }
  | { kind: 'room'; roomId: string; messageId?: string }
  | { kind: 'code'; code: string };

const decode = (part: string): string | null => {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
};

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  let match = /^\/code\/([A-Za-z0-9-]{4,12})$/.exec(path);
  if (match) return { kind: 'code', code: match[1]! };
  match = /^\/c\/([^/]+)\/?$/.exec(path);
  const name = match && decode(match[1]!);
  if (name) return { kind: 'channel', name };
  match = /^\/r\/([^/]+)(?:\/m\/([^/]+))?\/?$/.exec(path);
  const roomId = match && decode(match[1]!);
  const messageId = match?.[2] === undefined ? undefined : decode(match[2]);
  if (roomId && messageId !== null) return { kind: 'room', roomId, ...(messageId ? { messageId } : {}) };
  return { kind: 'none' };
}

/** The hash of a room: channels by name, the others by id. */
export function roomHash(room: Pick<MyRoom, 'id' | 'kind' | 'name'>): string {
  return room.kind === 'channel' && room.name
    ? `#/c/${encodeURIComponent(room.name)}`
    : `#/r/${encodeURIComponent(room.id)}`;
}

/** The hash of one message: always by ids, which never change. */
export function messageHash(roomId: string, messageId: string): string {
  return `#/r/${encodeURIComponent(roomId)}/m/${encodeURIComponent(messageId)}`;
}

/** Which of the user's rooms a route names, if any (a channel's name in any case). */
export function routeRoomId(
  route: Route,
  rooms: readonly Pick<MyRoom, 'id' | 'kind' | 'name'>[],
): string | null {
  if (route.kind === 'room') return rooms.some((r) => r.id === route.roomId) ? route.roomId : null;
  if (route.kind === 'channel') {
    const name = route.name.toLowerCase();
    return rooms.find((r) => r.kind === 'channel' && r.name?.toLowerCase() === name)?.id ?? null;
  }
  return null;
}

/**
 * The invite in an invite link (`#/invite/<token>`, docs/administration.md), or in what someone
 * pasted into the invite field: the whole link or the token alone. Null when there is none.
 */
export function inviteTokenOf(text: string): string | null {
  const trimmed = text.trim();
  const match = /#\/invite\/([A-Za-z0-9_-]+)\/?$/.exec(trimmed) ?? /^([A-Za-z0-9_-]+)$/.exec(trimmed);
  return match ? match[1]! : null;
}

/** The invite link's address as the app opens it; only the hash carries the invite. */
export const isInviteHash = (hash: string) => hash.startsWith('#/invite/');

/**
 * The token of a one-time sign-in link (`#/sign-in/<token>`, printed by `parley reset-password`
 * or `parley create-admin`), or null when the address is not one.
 */
export function signInToken(hash: string): string | null {
  const match = /^#?\/sign-in\/([A-Za-z0-9_-]{16,200})\/?$/.exec(hash);
  return match ? match[1]! : null;
}
