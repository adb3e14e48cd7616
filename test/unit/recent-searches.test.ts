import { describe, expect, it } from 'vitest';
import { forgetSearches, recentSearches, rememberSearch } from '../../src/web/lib/recent-searches.js';
import { forgetUserData, recentSearchesKey } from '../../src/web/state/local-data.js';

/** A Storage in memory, like the browser's localStorage. */
function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

describe('recent searches', () => {
  it('keeps the last ten, newest first, each once', () => {
    const storage = memoryStorage();
    for (let i = 0; i < 12; i++) rememberSearch(storage, 'u1', `query ${i}`);
    expect(recentSearches(storage, 'u1')).toEqual(Array.from({ length: 10 }, (_, i) => `query ${11 - i}`));
    // Searching again for one moves it to the top, not a second copy.
    rememberSearch(storage, 'u1', '  query 5 ');
    const list = recentSearches(storage, 'u1');
    expect(list[0]).toBe('query 5');
    expect(list.filter((q) => q === 'query 5')).toHaveLength(1);
    expect(list).toHaveLength(10);
    // Empty searches are not remembered.
    rememberSearch(storage, 'u1', '   ');
    expect(recentSearches(storage, 'u1')[0]).toBe('query 5');
  });

  it('keeps each user’s own under their id', () => {
    const storage = memoryStorage();
    rememberSearch(storage, 'u1', 'mine');
    rememberSearch(storage, 'u2', 'theirs');
    expect(recentSearches(storage, 'u1')).toEqual(['mine']);
    expect(recentSearches(storage, 'u2')).toEqual(['theirs']);
    expect(storage.items.has(recentSearchesKey('u1'))).toBe(true);
  });

  it('is forgotten on sign-out with the rest of the user’s data', () => {
    const storage = memoryStorage();
    rememberSearch(storage, 'u1', 'deploy');
    rememberSearch(storage, 'u2', 'other');
    forgetUserData(storage, 'u1');
    expect(recentSearches(storage, 'u1')).toEqual([]);
    expect(recentSearches(storage, 'u2')).toEqual(['other']);
    forgetSearches(storage, 'u2');
    expect(recentSearches(storage, 'u2')).toEqual([]);
  });

  it('survives storage that is broken, full or holds something else', () => {
    const storage = memoryStorage();
    storage.setItem(recentSearchesKey('u1'), '{not json');
    expect(recentSearches(storage, 'u1')).toEqual([]);
    storage.setItem(recentSearchesKey('u1'), JSON.stringify({ a: 1 }));
    expect(recentSearches(storage, 'u1')).toEqual([]);
    storage.setItem(recentSearchesKey('u1'), JSON.stringify(['ok', 3, null, '']));
    expect(recentSearches(storage, 'u1')).toEqual(['ok']);
    const full = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(rememberSearch(full, 'u1', 'deploy')).toEqual(['deploy']);
    expect(() => forgetSearches(full, 'u1')).not.toThrow();
  });
});
