import { randomUUID } from 'node:crypto';

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Ids made later sort
 * later, so rows keyed by them are appended at the right-hand edge of the primary-key index
 * — one page dirtied per batch of inserts — instead of landing on a random page of it, which
 * with random (v4) ids costs a page write per row once the index outgrows the batch.
 */
export function timeOrderedId(now: number = Date.now()): string {
  // 48 bits of whole milliseconds; an injected clock could hand out fractions or nonsense.
  const ms = Math.trunc(now);
  if (!(ms >= 0 && ms < 2 ** 48)) throw new RangeError(`time out of range for a UUIDv7: ${now}`);
  const time = ms.toString(16).padStart(12, '0');
  // Random bits and the RFC 4122 variant come from a v4 UUID; only its version digit changes.
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15, 18)}-${random.slice(19)}`;
}
