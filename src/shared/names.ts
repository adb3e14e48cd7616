/**
 * What names and passwords may be, in one place: the server refuses by these rules
 * (server/domain/usernames.ts, rooms.ts) and the web client shows them beside the field before
 * anything is sent, and checks them as the server would, so both always say the same thing.
 */
import { LIMITS } from './limits.js';

// Letters and digits of any script, plus a few separators that cannot start or end a name.
export const USERNAME_PATTERN = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}_.-]*[\p{L}\p{N}\p{M}])?$/u;

export const ROOM_NAME_PATTERN =
  /^[\p{L}\p{N}\p{M}\p{Emoji_Presentation}][\p{L}\p{N}\p{M}\p{Emoji_Presentation} _.'-]*$/u;

/** The rules as help text, shown under each field before the user submits. */
export const NAME_RULES = {
  username: `${LIMITS.usernameMin} to ${LIMITS.usernameMax} characters: letters, digits and "_", "." or "-" between them.`,
  password: `At least ${LIMITS.passwordMin} characters.`,
  roomName: `Up to ${LIMITS.roomNameMax} characters: letters, digits, emoji, spaces and "_", ".", "'", "-".`,
} as const;

/** Why a username would be refused, in the server's words; null if it is fine. */
export function usernameProblem(raw: string): string | null {
  const display = raw.normalize('NFKC').trim();
  const length = [...display].length;
  if (length < LIMITS.usernameMin || length > LIMITS.usernameMax) {
    return `username must be ${LIMITS.usernameMin} to ${LIMITS.usernameMax} characters long`;
  }
  if (!USERNAME_PATTERN.test(display)) {
    return 'username may contain letters, digits, "_", "." and "-", and must start and end with a letter or digit';
  }
  return null;
}

export function passwordProblem(password: string): string | null {
  if (password.length < LIMITS.passwordMin)
    return `password must be at least ${LIMITS.passwordMin} characters long`;
  if (password.length > LIMITS.passwordMax)
    return `password must be at most ${LIMITS.passwordMax} characters long`;
  return null;
}

/** A room name as it is stored: NFKC, trimmed, runs of spaces made one. */
export function displayRoomName(raw: string): string {
  return raw.normalize('NFKC').trim().replace(/\s+/g, ' ');
}

export function roomNameProblem(raw: string): string | null {
  const display = displayRoomName(raw);
  if (!display) return 'room name must not be empty';
  if (display.length > LIMITS.roomNameMax)
    return `room names are limited to ${LIMITS.roomNameMax} characters`;
  if (!ROOM_NAME_PATTERN.test(display))
    return 'room name may contain letters, digits, spaces and "_", ".", "\'", "-"';
  return null;
}
