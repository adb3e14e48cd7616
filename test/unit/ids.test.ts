import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../src/server/store/ids.js';

describe('time-ordered ids', () => {
  it('are RFC 9562 version 7 UUIDs carrying their millisecond', () => {
    const at = Date.UTC(2026, 10, 28, 12, 0, 0, 123);
    const id = timeOrderedId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('take whole milliseconds and refuse times a UUIDv7 cannot hold', () => {
    expect(timeOrderedId(1_700_000_000_000.7).slice(0, 13)).toBe(
      timeOrderedId(1_700_000_000_000).slice(0, 13),
    );
    expect(() => timeOrderedId(-1)).toThrow(RangeError);
    expect(() => timeOrderedId(Number.NaN)).toThrow(RangeError);
    expect(() => timeOrderedId(2 ** 48)).toThrow(RangeError);
  });

  it('sort by creation time as text, and never repeat', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => timeOrderedId(1_700_000_000_000 + Math.floor(i / 10)));
    const sortedByTime = ids.map((id, i) => ({ id, i })).sort((a, b) => (a.id < b.id ? -1 : 1));
    for (let k = 1; k < sortedByTime.length; k++) {
      expect(Math.floor(sortedByTime[k]!.i / 10)).toBeGreaterThanOrEqual(
        Math.floor(sortedByTime[k - 1]!.i / 10),
      );
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
