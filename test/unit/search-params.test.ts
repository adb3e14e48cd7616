import { describe, expect, it } from 'vitest';
import { searchPath } from '../../src/web/api/search.js';
import { resultCount } from '../../src/web/components/search/SearchPanel.js';
import { NO_FILTERS, searchParams } from '../../src/web/components/search/useSearch.js';

describe('what the search panel asks the server', () => {
  it('sends the words, the timezone, and only the filters that are picked', () => {
    const params = searchParams('deploy cafe', NO_FILTERS);
    expect(params).toEqual({
      q: 'deploy cafe',
      tz: -new Date().getTimezoneOffset(),
      order: 'newest',
      publicChannels: '0',
    });
    const path = searchPath(params);
    expect(path.startsWith('/api/search?q=deploy+cafe&tz=')).toBe(true);
    expect(path).not.toContain('room=');
  });

  it('turns picked filters into the parameters, and "Mentions of me" into is:mention', () => {
    const params = searchParams(
      'deploy',
      {
        ...NO_FILTERS,
        room: 'r1',
        from: { id: 'u2', username: 'bob' },
        has: 'link',
        after: '2026-01-01',
        before: '2026-02-01',
        mentions: true,
        order: 'relevance',
        publicChannels: true,
      },
      'next-page',
    );
    expect(params).toMatchObject({
      q: 'deploy is:mention',
      room: 'r1',
      from: 'u2',
      has: 'link',
      after: '2026-01-01',
      before: '2026-02-01',
      order: 'relevance',
      publicChannels: '1',
      cursor: 'next-page',
    });
    // Not twice when it was typed too; alone when nothing else was.
    expect(searchParams('x IS:mention', { ...NO_FILTERS, mentions: true }).q).toBe('x IS:mention');
    expect(searchParams('', { ...NO_FILTERS, mentions: true }).q).toBe('is:mention');
    expect(searchPath({ q: 'a&b=c #tech' })).toBe('/api/search?q=a%26b%3Dc+%23tech');
  });

  it('says how many results there are', () => {
    expect(resultCount(1, false)).toBe('1 result');
    expect(resultCount(12, false)).toBe('12 results');
    expect(resultCount(1000, true)).toBe('1,000+ results');
    expect(resultCount(0, false)).toBe('0 results');
  });
});
