import { remove as removeConfusables } from 'confusables';
import { LIMITS } from '../../shared/protocol.js';
import { badRequest } from './errors.js';

/**
 * Usernames are shown as typed (after NFKC normalisation) but compared through a folded key, so
 * `Alice`, `alice` and `Аlice` (Cyrillic А) are the same name. The key maps confusable
 * characters to their Latin look-alikes (Unicode TR39 data via the `confusables` package),
 * drops accents and lower-cases; the database keeps it UNIQUE.
 */

// Letters and digits of any script, plus a few separators that cannot start or end a name.
const USERNAME_PATTERN = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}_.-]*[\p{L}\p{N}\p{M}])?$/u;

export interface NormalisedUsername {
  display: string;
  key: string;
}

export function normaliseUsername(raw: string): NormalisedUsername {
  const display = raw.normalize('NFKC').trim();
  const length = [...display].length;
  if (length < LIMITS.usernameMin || length > LIMITS.usernameMax) {
    throw badRequest(`username must be ${LIMITS.usernameMin} to ${LIMITS.usernameMax} characters long`);
  }
  if (!USERNAME_PATTERN.test(display)) {
    throw badRequest(
      'username may contain letters, digits, "_", "." and "-", and must start and end with a letter or digit',
    );
  }
  return { display, key: usernameKey(display) };
}

export function usernameKey(name: string): string {
  const skeleton = removeConfusables(name.normalize('NFKC').toLowerCase());
  return skeleton
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/0/g, 'o')
    .replace(/1/g, 'l');
}

export function validatePassword(password: string): void {
  if (password.length < LIMITS.passwordMin) {
    throw badRequest(`password must be at least ${LIMITS.passwordMin} characters long`);
  }
  if (password.length > LIMITS.passwordMax) {
    throw badRequest(`password must be at most ${LIMITS.passwordMax} characters long`);
  }
}
