import { type ServerSettings, serverSettingsSchema } from '../../shared/schemas.js';
import type { Policy } from './permissions.js';
import { DEFAULT_RATE_RULES, type RateRule, type RateRules } from './rate-limit.js';

/** A token-bucket rule as an admin reads it: `burst` in every `burst / perSecond` seconds. */
const asSetting = (rule: RateRule) => ({
  count: rule.burst,
  perSeconds: Math.round(rule.burst / rule.perSecond),
});
const asRule = (setting: { count: number; perSeconds: number }): RateRule => ({
  burst: setting.count,
  perSecond: setting.count / setting.perSeconds,
});

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
  messageRate: asSetting(DEFAULT_RATE_RULES.send),
  uploadRate: asSetting(DEFAULT_RATE_RULES.upload),
  roomCreationRate: asSetting(DEFAULT_RATE_RULES.roomCreate),
  signupRate: asSetting(DEFAULT_RATE_RULES.signup),
  uploadMaxBytes: 8 * 1024 * 1024,
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

/** The rate rules the admin's settings decide; the others stay as the code sets them. */
export const rateRulesOf = (
  settings: ServerSettings,
): Pick<RateRules, 'send' | 'upload' | 'roomCreate' | 'signup'> => ({
  send: asRule(settings.messageRate),
  upload: asRule(settings.uploadRate),
  roomCreate: asRule(settings.roomCreationRate),
  signup: asRule(settings.signupRate),
});

/** The largest upload now: the admin's setting, under the operator's ceiling. */
export const uploadLimitOf = (settings: ServerSettings, ceilingBytes: number): number =>
  Math.min(settings.uploadMaxBytes, ceilingBytes);
