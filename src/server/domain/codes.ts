import { randomInt } from 'node:crypto';

/**
 * Join codes for code rooms. The alphabet leaves out characters people confuse when reading a
 * code aloud or off a screen (0/O, 1/I/L, U/V), so 6 characters give 29^6 ≈ 595 million codes;
 * guessing is rate-limited per user and per address on top of that.
 */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTWXYZ23456789';
export const CODE_LENGTH = 6;

export function generateCode(random: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[random(CODE_ALPHABET.length)];
  return code;
}

/** Accepts what a person types: any case, with spaces or dashes. */
export function normaliseCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== CODE_LENGTH) return null;
  for (const ch of code) if (!CODE_ALPHABET.includes(ch)) return null;
  return code;
}
