import { describe, expect, it } from 'vitest';
import {
  foldText,
  highlightParts,
  matchRanges,
  snippetParts,
  type TextPart,
} from '../../src/web/lib/highlight.js';

/** The parts as a string with the matches in [brackets], easy to read in a test. */
const show = (parts: TextPart[]) => parts.map((p) => (p.match ? `[${p.text}]` : p.text)).join('');

describe('highlighting search terms', () => {
  it('finds a term inside a word, whatever its case', () => {
    expect(show(highlightParts('The Redeployment went fine', ['deploy']))).toBe(
      'The Re[deploy]ment went fine',
    );
  });

  it('matches without accents and highlights the accented letters whole', () => {
    expect(show(highlightParts('Meet at the Café', ['cafe']))).toBe('Meet at the [Café]');
    // Decomposed in the text (e + combining acute): the mark goes with its letter.
    expect(show(highlightParts('cafe\u0301 au lait', ['cafe']))).toBe('[cafe\u0301] au lait');
    // Accents in the term are ignored too.
    expect(show(highlightParts('naive choice', ['naïve']))).toBe('[naive] choice');
    expect(show(highlightParts('İstanbul ÅNGSTRÖM', ['istanbul', 'angstrom']))).toBe('[İstanbul] [ÅNGSTRÖM]');
  });

  it('folds compatibility forms: full-width letters and ligatures', () => {
    expect(show(highlightParts('ＡＢＣ o\ufb01ce', ['abc', 'fi']))).toBe('[ＡＢＣ] o[\ufb01]ce');
    expect(foldText('Ｃａｆé')).toBe('cafe');
  });

  it('finds CJK terms in text without spaces', () => {
    expect(show(highlightParts('今日は東京で会議があります', ['東京', '会議']))).toBe(
      '今日は[東京]で[会議]があります',
    );
    expect(show(highlightParts('我们明天部署新版本', ['部署']))).toBe('我们明天[部署]新版本');
  });

  it('highlights every occurrence of several terms', () => {
    expect(show(highlightParts('deploy the cafe, then deploy again', ['deploy', 'cafe']))).toBe(
      '[deploy] the [cafe], then [deploy] again',
    );
  });

  it('merges overlapping and touching matches into one mark', () => {
    expect(show(highlightParts('redeployment', ['deploy', 'ploym']))).toBe('re[deploym]ent');
    expect(show(highlightParts('foobar', ['foo', 'bar']))).toBe('[foobar]');
    expect(show(highlightParts('aaaa', ['aa']))).toBe('[aaaa]');
    expect(matchRanges('ab ab', ['ab', 'b a'])).toEqual([[0, 5]]);
  });

  it('never splits an emoji (a surrogate pair) and keeps it whole beside a match', () => {
    const text = 'ship it 🚀🚀 deploy 👍🏽 done';
    const parts = highlightParts(text, ['deploy']);
    expect(show(parts)).toBe('ship it 🚀🚀 [deploy] 👍🏽 done');
    for (const part of parts) expect(part.text).toBe(part.text.normalize()); // no lone surrogates
    for (const part of parts) expect(/[\ud800-\udbff](?![\udc00-\udfff])/.test(part.text)).toBe(false);
    // A term that is an emoji is found as the emoji.
    expect(show(highlightParts('go 🚀 now', ['🚀']))).toBe('go [🚀] now');
  });

  it('gives the text as one plain part when nothing matches, or there are no terms', () => {
    expect(highlightParts('nothing here', ['deploy'])).toEqual([{ text: 'nothing here', match: false }]);
    expect(highlightParts('nothing here', [])).toEqual([{ text: 'nothing here', match: false }]);
    expect(highlightParts('nothing here', ['', '  '])).toEqual([{ text: 'nothing here', match: false }]);
    expect(highlightParts('', ['x'])).toEqual([]);
  });
});

describe('the snippet of a result', () => {
  const filler = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');

  it('shows a short message whole, line breaks as spaces', () => {
    expect(show(snippetParts('first line\nthe café', ['cafe']))).toBe('first line the [café]');
  });

  it('cuts a long message around the first match, with … where it was cut', () => {
    const text = `${filler(60)} the redeployment of the café ${filler(60)}`;
    const shown = show(snippetParts(text, ['deploy', 'cafe']));
    expect(shown.startsWith('…')).toBe(true);
    expect(shown.endsWith('…')).toBe(true);
    expect(shown).toContain('the re[deploy]ment of the [café]');
    const plain = shown.replace(/[[\]…]/g, '');
    expect(plain.length).toBeLessThanOrEqual(160);
    expect(plain.length).toBeGreaterThan(120);
    // Cut at words, not inside one.
    expect(shown).toMatch(/^…word\d+ /);
    expect(shown).toMatch(/ word\d+…$/);
  });

  it('does not cut at the start when the match is near it', () => {
    const text = `deploy now ${filler(80)}`;
    const shown = show(snippetParts(text, ['deploy']));
    expect(shown.startsWith('[deploy] now')).toBe(true);
    expect(shown.endsWith('…')).toBe(true);
  });

  it('shows the end when the match is in the last words', () => {
    const text = `${filler(80)} finally deploy`;
    const shown = show(snippetParts(text, ['deploy']));
    expect(shown.startsWith('…')).toBe(true);
    expect(shown.endsWith('finally [deploy]')).toBe(true);
  });

  it('shows the start of the message when nothing matches', () => {
    const shown = show(snippetParts(filler(80), ['zzz']));
    expect(shown.startsWith('word0 word1')).toBe(true);
    expect(shown.endsWith('…')).toBe(true);
  });

  it('does not cut an emoji in two at either end', () => {
    const text = `${'🚀'.repeat(100)}deploy${'🎉'.repeat(100)}`;
    const parts = snippetParts(text, ['deploy']);
    const joined = parts.map((p) => p.text).join('');
    expect(joined).toContain('deploy');
    expect(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(joined)).toBe(false);
  });

  it('finds a CJK match deep in a long text', () => {
    const text = `${'あ'.repeat(300)}東京${'い'.repeat(300)}`;
    const shown = show(snippetParts(text, ['東京']));
    expect(shown).toContain('[東京]');
    expect(shown.replace(/[[\]…]/g, '').length).toBeLessThanOrEqual(160);
  });
});
