import type { SystemEvent } from './entities.js';

/** How many names a collapsed line spells out before it counts the rest. */
const NAMED = 2;

/** A piece of a list of people: a name (shown bold), or the words between and after names. */
export type PeoplePart = { name: string } | string;

/**
 * Who a collapsed "joined" or "left" line names, in pieces the line renders:
 * 1 → "alice", 2 → "alice and bob", 3 → "alice, bob and carol", more → "alice, bob and N others".
 * Three names read as easily as two and a count; from four on the count is shorter.
 */
export function peopleParts(names: readonly string[]): PeoplePart[] {
  const named = names.length <= NAMED + 1 ? names : names.slice(0, NAMED);
  const items: PeoplePart[] = named.map((name) => ({ name }));
  if (named.length < names.length) items.push(`${names.length - named.length} others`);
  return items.flatMap((item, i) =>
    i === 0 ? [item] : i === items.length - 1 ? [' and ', item] : [', ', item],
  );
}

/** The verb of a system line; a line from a newer server with an unknown event reads as a join. */
export const systemVerb = (system: SystemEvent | null): string => (system === 'left' ? 'left' : 'joined');

/**
 * A system line as text: "alice joined", "alice, bob and 5 others left". The server fills a
 * system message's `text` with it (one name), the web client renders the same words from
 * `peopleParts` with the names in bold, so the two cannot disagree.
 */
export function systemLineText(names: readonly string[], system: SystemEvent | null): string {
  const list = peopleParts(names)
    .map((part) => (typeof part === 'string' ? part : part.name))
    .join('');
  return `${list} ${systemVerb(system)}`;
}
