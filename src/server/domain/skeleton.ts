import { createRequire } from 'node:module';

/**
 * The confusable skeleton of Unicode Technical Standard #39 (§4): two strings that look alike
 * have the same skeleton. The data is Unicode's own confusables.txt (the MA table), one code
 * point → its prototype, as shipped by the `unhomoglyph` package. Prototypes may be several
 * characters: `m` → `rn`, so "rnallory" and "mallory" share a skeleton. The mapping is
 * case-sensitive by design (`I` → `l` but `i` stays `i`); callers decide how case comes in.
 * A skeleton is for comparison only, never for display.
 */
const prototypes = new Map<string, string>(
  Object.entries(createRequire(import.meta.url)('unhomoglyph/data.json') as Record<string, string>),
);

// Zero-width characters, bidi controls, variation selectors and the like: invisible, so they
// never tell two names apart.
const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

export function skeleton(text: string): string {
  let mapped = '';
  for (const char of text.normalize('NFD').replace(DEFAULT_IGNORABLE, '')) {
    mapped += prototypes.get(char) ?? char;
  }
  return mapped.normalize('NFD');
}
