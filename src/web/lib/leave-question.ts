import type { MyRoom } from '../../shared/protocol.js';
import type { ConfirmRequest } from '../components/dialogs/ConfirmDialog.js';
import { roomTitle } from './rooms.js';

/**
 * What leaving a room costs, said before it happens: each kind of room loses something
 * different, and only a channel can be got back alone. DMs have no Leave (null).
 */
export function leaveQuestion(room: MyRoom): ConfirmRequest | null {
  const title = roomTitle(room);
  switch (room.kind) {
    case 'channel':
      return {
        title: `Leave ${title}?`,
        body: 'You can join it again at any time from Browse channels.',
        confirmLabel: 'Leave channel',
      };
    case 'group':
      return {
        title: `Leave ${title}?`,
        body: 'A group cannot be rejoined alone: you will be back only if someone in it adds you again.',
        confirmLabel: 'Leave group',
      };
    case 'code':
      return {
        title: `Leave ${title}?`,
        body: `You can come back with its code${room.code ? ` (${room.code})` : ''} while someone is still in it. Once the last person leaves, the room and its messages are gone for good.`,
        confirmLabel: 'Leave room',
      };
    case 'match':
      return {
        title: 'End this chat?',
        body: `The chat with ${room.peer?.username ?? 'this stranger'} ends for both of you and cannot be reopened.`,
        confirmLabel: 'End chat',
      };
    case 'dm':
      return null;
  }
}
