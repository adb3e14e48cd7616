import type { MyRoom, RoomKind } from '../../shared/protocol.js';
import type { IconName } from '../components/Icon.js';

/** What to call a room in the UI. */
export function roomTitle(room: MyRoom): string {
  if (room.kind === 'dm' || room.kind === 'match') return room.peer?.username ?? 'Someone';
  if (room.kind === 'channel') return `#${room.name ?? ''}`;
  if (room.kind === 'code') return room.name ?? `Room ${room.code ?? ''}`;
  return room.name ?? 'Group';
}

/** A room's name as lists show it, beside a kind icon (no leading `#`). */
export function roomLabel(room: MyRoom): string {
  return roomTitle(room).replace(/^#/, '');
}

/** The icon lists show beside a room's name. */
export function roomIcon(kind: RoomKind): IconName {
  return kind === 'channel' ? 'hash' : kind === 'code' ? 'key' : 'users';
}

/** An unread count as a badge shows it. */
export function unreadBadge(count: number): string {
  return count > 99 ? '99+' : String(count);
}

/**
 * The quick switcher's list: rooms whose title (or, for a DM, the other person's name) starts
 * with the query first, then those where a word starts with it, then any that contain it;
 * unread rooms before read ones at each level. An empty query lists every room that way.
 */
export function searchRooms(rooms: readonly MyRoom[], query: string, limit = 20): MyRoom[] {
  const q = query.trim().toLowerCase().replace(/^#/, '');
  const rank = (label: string) => {
    const title = label.toLowerCase();
    if (title.startsWith(q)) return 0;
    if (title.split(/[\s_.-]+/).some((word) => word.startsWith(q))) return 1;
    return title.includes(q) ? 2 : 3;
  };
  return rooms
    .map((room) => {
      const label = roomLabel(room);
      return { room, label, rank: rank(label) };
    })
    .filter((r) => r.rank < 3)
    .sort(
      (a, b) =>
        a.rank - b.rank ||
        Number(b.room.unread > 0) - Number(a.room.unread > 0) ||
        a.label.localeCompare(b.label),
    )
    .slice(0, limit)
    .map((r) => r.room);
}
