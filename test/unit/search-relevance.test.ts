import { describe, expect, it } from 'vitest';
import { rankByRelevance, relevance } from '../../src/server/domain/search-relevance.js';

/** "By relevance" (docs/search.md): whole words first, then word starts, then insides. */
describe('search relevance', () => {
  const rank = (texts: string[], terms: string[]) =>
    rankByRelevance(
      texts.map((text) => ({ text })),
      terms,
    ).map((row) => row.text);

  it('puts a whole word before a word start before a word’s inside', () => {
    expect(rank(['we redeploy often', 'the deployment failed', 'deploy now'], ['deploy'])).toEqual([
      'deploy now',
      'the deployment failed',
      'we redeploy often',
    ]);
  });

  it('finds the whole word through case and accents', () => {
    expect(relevance('Le CAFÉ est ouvert', ['cafe'])).toBeGreaterThan(relevance('cafeteria', ['cafe']));
  });

  it('puts the terms together, in order, before the terms apart', () => {
    expect(
      rank(['the release went out, then the notes', 'release notes are up'], ['release', 'notes']),
    ).toEqual(['release notes are up', 'the release went out, then the notes']);
  });

  it('counts a few repeats, not a flood of them', () => {
    expect(relevance('deploy deploy', ['deploy'])).toBeGreaterThan(relevance('deploy', ['deploy']) - 1);
    const flood = `deploy ${'deploy '.repeat(200)}`;
    expect(relevance(flood, ['deploy'])).toBeLessThan(relevance('deploy', ['deploy']) + 6);
  });

  it('keeps equally good matches newest first, as they were given', () => {
    expect(rank(['deploy one', 'deploy two', 'deploy six'], ['deploy'])).toEqual([
      'deploy one',
      'deploy two',
      'deploy six',
    ]);
  });

  it('ranks scripts without spaces by the match alone', () => {
    expect(relevance('東京の会議は明日です', ['会議'])).toBeGreaterThan(0);
  });
});
