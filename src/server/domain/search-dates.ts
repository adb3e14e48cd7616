const DAY_MS = 24 * 60 * 60_000;

/**
 * A calendar day (`YYYY-MM-DD`, already checked by the query's parser or schema) on the
 * searcher's calendar, `tzMinutes` east of UTC, as the instants it starts and ends at (ms):
 * "on 2026-12-03" in Tokyo is not the same 24 hours as in New York.
 */
export function dayRange(day: string, tzMinutes: number): { start: number; end: number } {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const start = Date.UTC(year, month - 1, date) - tzMinutes * 60_000;
  return { start, end: start + DAY_MS };
}
