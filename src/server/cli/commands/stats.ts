import type { Command } from '../command.js';

export const stats: Command = {
  name: 'stats',
  usage: 'stats [--json]',
  summary: 'Count users, rooms, messages, uploads; database size.',
  details: 'Count users (by role, deactivated), rooms by kind, messages, uploads and the database size.',
  positionals: 0,
  options: { json: { type: 'boolean' } },
  async run(context, _args, options) {
    const counts = await (await context.operator()).stats();
    if (options.json) {
      context.say(JSON.stringify(counts));
      return;
    }
    const list = (counts: Record<string, number>) =>
      Object.entries(counts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, n]) => `${n} ${name}`)
        .join(', ') || 'none';
    context.say(
      `Users: ${counts.users.total} (${list(counts.users.byRole)}); ${counts.users.deactivated} deactivated.`,
    );
    context.say(`Rooms: ${list(counts.rooms)}.`);
    context.say(`Messages: ${counts.messages}.`);
    context.say(`Uploads: ${counts.uploads.count} files, ${formatBytes(counts.uploads.bytes)}.`);
    context.say(`Database: ${formatBytes(counts.databaseBytes)}.`);
  },
};

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
