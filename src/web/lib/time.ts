const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const exactFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
const dayWithYearFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'long',
  day: 'numeric',
});

export const formatTime = (ms: number) => timeFormat.format(ms);
export const formatExact = (ms: number) => exactFormat.format(ms);

export function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** "just now", "4 min ago", then the clock time for today, then a date. */
export function formatRelative(ms: number, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (startOfDay(ms) === startOfDay(now)) return formatTime(ms);
  return `${formatDay(ms, now)}, ${formatTime(ms)}`;
}

export function formatDay(ms: number, now = Date.now()): string {
  const day = startOfDay(ms);
  const today = startOfDay(now);
  if (day === today) return 'Today';
  if (day === today - 86_400_000) return 'Yesterday';
  return new Date(ms).getFullYear() === new Date(now).getFullYear()
    ? dayFormat.format(ms)
    : dayWithYearFormat.format(ms);
}

export function formatLastSeen(ms: number | null): string {
  return ms ? `last seen ${formatRelative(ms)}` : 'offline';
}
