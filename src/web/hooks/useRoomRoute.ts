import { useEffect } from 'react';
import { parseRoute, roomHash, routeRoomId } from '../lib/route.js';
import { defaultRoomId } from '../state/selectors.js';
import { useChatClient } from './ChatContext.js';
import { useChatSelector } from './useChatSelector.js';

/**
 * Keeps the open room and the address bar in step (lib/route.ts has the addresses):
 *
 * - once the rooms are known, and on every hash change (Back, Forward, a typed or pasted link),
 *   the room the address names opens — a message link also scrolls to its message; an address
 *   naming no room of the user's opens #general with a notice;
 * - opening a room another way (the sidebar, the switcher, a dialog) pushes its address, so
 *   Back returns to the room before; a first address, or one that named nothing, is replaced
 *   instead, so Back does not step through it.
 *
 * With no address and no room open, #general opens — except on a phone, where the room list
 * is the start screen.
 */
export function useRoomRoute(isPhone: boolean): void {
  const client = useChatClient();
  const ready = useChatSelector((s) => defaultRoomId(s) !== null);
  const activeRoomId = useChatSelector((s) => s.activeRoomId);
  const activeHash = useChatSelector((s) => {
    const view = s.activeRoomId ? s.rooms[s.activeRoomId] : undefined;
    return view ? roomHash(view.room) : null;
  });

  useEffect(() => {
    if (!ready) return;
    const follow = () => {
      const route = parseRoute(location.hash);
      // Share links join first; the room they open then gets its own address.
      if (route.kind === 'code') return;
      const state = client.getState();
      const rooms = Object.values(state.rooms).map((v) => v.room);
      const roomId = routeRoomId(route, rooms);
      if (roomId) {
        if (route.kind === 'room' && route.messageId) void client.openMessage(roomId, route.messageId);
        else client.selectRoom(roomId);
        return;
      }
      if (route.kind !== 'none') {
        const fallback = defaultRoomId(state);
        client.notify('That link is to a room you are not in (or one that is gone), so here is #general.');
        if (fallback) client.selectRoom(fallback);
        const view = fallback ? client.getState().rooms[fallback] : undefined;
        if (view) history.replaceState(null, '', roomHash(view.room));
      }
    };
    follow();
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, [client, ready]);

  // Nothing open and nothing named: #general (or the first room).
  useEffect(() => {
    if (!ready || activeRoomId || isPhone) return;
    const state = client.getState();
    const route = parseRoute(location.hash);
    if (
      route.kind === 'code' ||
      routeRoomId(
        route,
        Object.values(state.rooms).map((v) => v.room),
      )
    )
      return;
    const fallback = defaultRoomId(state);
    if (fallback) client.selectRoom(fallback);
  }, [client, ready, activeRoomId, isPhone]);

  // The address follows the open room.
  useEffect(() => {
    if (!activeHash || !activeRoomId) return;
    const route = parseRoute(location.hash);
    const rooms = Object.values(client.getState().rooms).map((v) => v.room);
    // Already there — by name, by id, or at one of its messages: leave the link as it is.
    if (routeRoomId(route, rooms) === activeRoomId) return;
    if (route.kind === 'none') history.replaceState(null, '', activeHash);
    else history.pushState(null, '', activeHash);
  }, [client, activeHash, activeRoomId]);
}
