import { describe, expect, it } from 'vitest';
import {
  normaliseSearchText,
  parseSearchQuery,
  type SearchQuery,
  searchableTerm,
} from '../../src/server/domain/search-query.js';

/** The search box's language (domain/search-query.ts): what each query asks the store for. */
const empty: SearchQuery = { terms: [], excluded: [], rooms: [], authors: [], has: [], isMention: false };

describe('parseSearchQuery', () => {
  it.each<[string, Partial<SearchQuery>]>([
    ['deploy', { terms: ['deploy'] }],
    ['Deploy FAILED', { terms: ['deploy', 'failed'] }],
    ['Café', { terms: ['cafe'] }],
    ['cafe\u0301', { terms: ['cafe'] }],
    ['ÅNGSTRÖM', { terms: ['angstrom'] }],
    ['"Deploy  now"', { terms: ['deploy now'] }],
    ['"unclosed phrase', { terms: ['unclosed phrase'] }],
    ['deploy -staging', { terms: ['deploy'], excluded: ['staging'] }],
    ['deploy -"dry run"', { terms: ['deploy'], excluded: ['dry run'] }],
    ['東京', { terms: ['東京'] }],
    ['東京タワー', { terms: ['東京タワー'] }],
    ['in:#General from:@Alice bug', { terms: ['bug'], rooms: ['general'], authors: ['alice'] }],
    ['in:general in:tech bug', { terms: ['bug'], rooms: ['general', 'tech'] }],
    ['from:bob', { authors: ['bob'] }],
    ['has:link has:image has:link', { has: ['link', 'image'] }],
    ['has:FILE', { has: ['file'] }],
    ['is:mention', { isMention: true }],
    [
      'before:2024-05-31 after:2024-01-01 release',
      { terms: ['release'], before: '2024-05-31', after: '2024-01-01' },
    ],
    ['on:2024-02-29', { on: '2024-02-29' }],
    // A colon that is not a filter's is part of the word.
    ['https://example.com', { terms: ['https://example.com'] }],
    ['"in:#general"', { terms: ['in:#general'] }],
  ])('%s', (input, expected) => {
    const parsed = parseSearchQuery(input);
    expect(parsed).toEqual({ ok: true, query: { ...empty, ...expected } });
  });

  it.each<[string, string, RegExp]>([
    ['de', 'too_short', /at least 3 characters.*“de”/],
    ['deploy ab', 'too_short', /“ab”/],
    ['deploy -ab', 'too_short', /“ab”/],
    ['"ab"', 'too_short', /“ab”/],
    ['é', 'too_short', /too short/],
    // One CJK character is not enough; two are; two characters of another script are not.
    ['東', 'too_short', /too short/],
    ['が', 'too_short', /too short/],
    ['日a', 'too_short', /too short/],
    // Code points, not UTF-16 units: one emoji is two units but one character.
    ['😀😀', 'too_short', /too short/],
    ['', 'empty', /type something/],
    ['   ', 'empty', /type something/],
    ['-deploy', 'empty', /not only words to leave out/],
    ['has:video', 'bad_filter', /file, image or link/],
    ['is:starred', 'bad_filter', /mention/],
    ['before:2024-02-30', 'bad_filter', /date/],
    ['after:yesterday', 'bad_filter', /date/],
    ['in:', 'bad_filter', /room name/],
    ['from:@', 'bad_filter', /username/],
  ])('refuses %j as %s', (input, reason, message) => {
    const parsed = parseSearchQuery(input);
    expect(parsed).toMatchObject({ ok: false, reason });
    expect(parsed.ok === false && parsed.message).toMatch(message);
  });
});

describe('normaliseSearchText', () => {
  it.each([
    ['Café', 'cafe'],
    ['ÉCOLE', 'ecole'],
    // Only Latin letters lose their marks: SQLite's index keeps Greek and Cyrillic ones.
    ['Ωμέγα', 'ωμέγα'],
    ['Йогурт', 'йогурт'],
    // Kana keep their voicing marks, and compatibility forms stay as the index stores them.
    ['ガギグ', 'ガギグ'],
    ['ﬁle', 'ﬁle'],
    ['  two   spaces ', 'two spaces'],
  ])('%s → %s', (input, output) => {
    expect(normaliseSearchText(input)).toBe(output);
  });

  it('tells which terms the index can serve', () => {
    expect(['abc', '東京', 'カメラ', '한국', 'ab', '東'].map(searchableTerm)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
