import type { Message, MyRoom, PublicUser } from '../../shared/protocol.js';
import { mentions } from './mentions.js';
import { roomTitle } from './rooms.js';

/** Whether the user turned desktop notifications on (the browser's permission is asked too). */
export const NOTIFY_KEY = 'parley:notifications';

/** DMs, matches and mentions notify while the tab is hidden, if the user opted in. */
export function showNotification(me: PublicUser, message: Message, room: MyRoom): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (localStorage.getItem(NOTIFY_KEY) !== 'on' || document.visibilityState === 'visible') return;
  const direct = room.kind === 'dm' || room.kind === 'match';
  if (!direct && !mentions(message.text, me.username)) return;
  const from = message.author?.username ?? 'Someone';
  new Notification(direct ? from : `${from} in ${roomTitle(room)}`, {
    body: message.text.slice(0, 160),
    tag: room.id,
  });
}
