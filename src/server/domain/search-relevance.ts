import { normaliseSearchText } from './search-query.js';

/** Occurrences of one term counted at most: a message repeating a word is not more about it. */
const MAX_COUNTED = 5;
const LETTER_OR_DIGIT = /[\p{L}\p{N}_]/u;
/** Scripts written without spaces: there a match has no word edges to be judged by. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * How well a message answers the search's terms (already normalised), higher first, for
 * "by relevance": a term found as a whole word counts most, at a word's start next, inside a
 * word least (`deploy` in "deploy now", "deployment", "redeploy"); a few repeats add a little;
 * all the terms in order as a phrase add more; a long message holding them is a little less
 * about them than a short one. Pure, so both databases rank alike.
 */
export function relevance(text: string, terms: readonly string[]): number {
  const folded = normaliseSearchText(text);
  let score = 0;
  for (const term of terms) {
    let best = 0;
    let count = 0;
    for (let at = folded.indexOf(term); at !== -1 && count < MAX_COUNTED; at = folded.indexOf(term, at + 1)) {
      count++;
      best = Math.max(best, edgeScore(folded, at, term));
    }
    score += best * 10 + count;
  }
  if (terms.length > 1 && folded.includes(terms.join(' '))) score += 15;
  return score - Math.min(folded.length / 400, 5);
}

function edgeScore(text: string, at: number, term: string): number {
  if (UNSPACED.test(term)) return 3;
  const before = text[at - 1];
  const after = text[at + term.length];
  const starts = before === undefined || !LETTER_OR_DIGIT.test(before);
  const ends = after === undefined || !LETTER_OR_DIGIT.test(after);
  if (starts && ends) return 3;
  return starts ? 2 : 1;
}

/** The rows by relevance, best first; equally good ones newest first (the order given). */
export function rankByRelevance<T extends { text: string }>(
  rows: readonly T[],
  terms: readonly string[],
): T[] {
  return rows
    .map((row, index) => ({ row, index, score: relevance(row.text, terms) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((ranked) => ranked.row);
}
