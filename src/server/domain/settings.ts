import { type ServerSettings, serverSettingsSchema } from '../../shared/schemas.js';
import type { Policy } from './permissions.js';

/**
 * The server's settings and their defaults. Stored one row per key (store/settings.ts); a row
 * that is missing or does not pass its schema counts as the default, so a bad manual edit of
 * the table cannot stop the server or open it wider than the default.
 */
export const DEFAULT_SETTINGS: ServerSettings = {
  signupPolicy: 'open',
  guestsAllowed: true,
  guestsMayOpenDms: true,
  guestsMayCreateRooms: true,
  membersMayInvite: false,
};

const fields = serverSettingsSchema.shape;

export function settingsFrom(rows: ReadonlyMap<string, string>, defaults = DEFAULT_SETTINGS): ServerSettings {
  const settings: Record<string, unknown> = { ...defaults };
  for (const key of Object.keys(fields) as (keyof ServerSettings)[]) {
    const text = rows.get(key);
    if (text === undefined) continue;
    try {
      const parsed = fields[key].safeParse(JSON.parse(text));
      if (parsed.success) settings[key] = parsed.data;
    } catch {
      // Not JSON: the default stands.
    }
  }
  return settings as ServerSettings;
}

/** The part of the settings the permission table decides on. */
export const policyOf = (settings: ServerSettings): Policy => ({
  guestsMayOpenDms: settings.guestsMayOpenDms,
  guestsMayCreateRooms: settings.guestsMayCreateRooms,
  membersMayInvite: settings.membersMayInvite,
});
