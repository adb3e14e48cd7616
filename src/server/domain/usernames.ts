import { passwordProblem, usernameProblem } from '../../shared/names.js';
import { badRequest } from './errors.js';
import { skeleton } from './skeleton.js';

/**
 * Usernames are shown as typed (after NFKC normalisation) and compared through two keys, each
 * UNIQUE in the database:
 *
 * - `usernameKey`, the name lower-cased: `Alice`, `alice` and `ALICE` are one name. Logins and
 *   searches find accounts by it.
 * - `usernameSkeleton`, what the name looks like: `Аlice` (Cyrillic А), `AIice` (capital I),
 *   `A1ice`, `rnallory` beside `mallory`, `Zoë` beside `Zoe`.
 *
 * One key cannot do both. Capital `I` is the upper case of `i` and looks like `l`: a key that
 * folded both ways would make `ali` and `all`, `neil` and `nell` the same name. So case is one
 * relation and looks are another, and a new name must be free under both.
 */

// Accents and other marks shared by the Latin, Greek and Cyrillic scripts (the Combining
// Diacritical Marks blocks). Marks that belong to one script, such as Devanagari's vowel
// signs, are letters of the name and stay.
const GENERIC_DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/gu;

export interface UsernameKeys {
  key: string;
  skeleton: string;
}

export interface NormalisedUsername extends UsernameKeys {
  display: string;
}

export function normaliseUsername(raw: string): NormalisedUsername {
  // The rule is shared (shared/names.ts): the web client checks and shows the same one.
  const problem = usernameProblem(raw);
  if (problem) throw badRequest(problem, 'username');
  const display = raw.normalize('NFKC').trim();
  return { display, ...usernameKeys(display) };
}

/** Both keys of a name as someone typed it (to sign in, to search). */
export function usernameKeys(typed: string): UsernameKeys {
  const name = typed.normalize('NFKC').trim();
  return { key: usernameKey(name), skeleton: usernameSkeleton(name) };
}

/** The name as compared for case: NFKC, lower-cased. */
export function usernameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

/**
 * The name as compared for looks. The UTS #39 skeleton is taken of the name as written,
 * before any case folding — lower-casing first would turn `AIice` into `aiice` and lose the
 * `I` → `l` rule. Then case is folded and the skeleton taken again, because a lower-case
 * letter may have a prototype of its own (`MALLORY` → `mallory` → `rnallory`); once more if
 * that changed anything. Last, accents go, so `Zoë` and `Zoe` are one look.
 */
export function usernameSkeleton(name: string): string {
  let key = skeleton(name.normalize('NFKC'));
  for (let round = 0; round < 4; round++) {
    const next = skeleton(key.toLowerCase());
    if (next === key) break;
    key = next;
  }
  return key.replace(GENERIC_DIACRITICS, '');
}

/** `field`: the request field the password came in (`newPassword` when changing it). */
export function validatePassword(password: string, field = 'password'): void {
  const problem = passwordProblem(password);
  if (problem) throw badRequest(problem, field);
}
