import { useEffect, useState } from 'react';
import type { ServerSettings, SignupPolicy } from '../../../shared/schemas.js';
import { loadSettingsWithCeilings, saveSettings } from '../../api/admin.js';
import { asSentence } from '../FormField.js';
import { LimitsSection } from './LimitsSection.js';
import { messageOf } from './useAdminList.js';

const POLICIES: [SignupPolicy, string, string][] = [
  ['open', 'Open', 'Anyone who reaches this server can create an account.'],
  ['invite', 'Invite only', 'Only people with an invite link can create an account.'],
  ['closed', 'Closed', 'Nobody can create an account; those who have one still sign in.'],
];

const SWITCHES: [keyof ServerSettings, string][] = [
  ['guestsAllowed', 'Let guests in (a name, no password)'],
  ['guestsMayOpenDms', 'Guests may start direct messages'],
  ['guestsMayCreateRooms', 'Guests may create rooms'],
  ['membersMayInvite', 'Members may create invite links'],
];

/** Saves part of the settings; the panel shows what the server answers, not what was asked. */
export type ChangeSettings = (patch: Partial<ServerSettings>) => Promise<void>;

/**
 * The server's settings, for admins: who may sign up, what guests may do, and the limits. Every change is
 * saved at once and counts at once on every node (the server checks the right again; the tab
 * is only offered to admins). Each group below is a section that gets `settings` and `change`,
 * so a new group of settings is one more section at the end.
 */
export function SettingsPanel() {
  const [settings, setSettings] = useState<ServerSettings | null>(null);
  const [uploadCeiling, setUploadCeiling] = useState(0);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    loadSettingsWithCeilings().then(
      (loaded) => {
        if (!current) return;
        setSettings(loaded.settings);
        setUploadCeiling(loaded.ceilings.uploadMaxBytes);
      },
      (e: unknown) => current && setError(asSentence(messageOf(e))),
    );
    return () => {
      current = false;
    };
  }, []);

  const change: ChangeSettings = async (patch) => {
    setError(null);
    try {
      setSettings(await saveSettings(patch));
      setStatus('Saved.');
    } catch (e) {
      setError(asSentence(messageOf(e)));
    }
  };

  return (
    <div className="settings">
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {!settings ? (
        !error && <p role="status">Loading…</p>
      ) : (
        <>
          <SignupPolicySection settings={settings} onChange={change} />
          <GuestSwitchesSection settings={settings} onChange={change} />
          {/* A form of its own: several numbers are saved together, refusals shown at their field. */}
          <LimitsSection
            settings={settings}
            uploadCeilingBytes={uploadCeiling}
            onSave={async (patch) => setSettings(await saveSettings(patch))}
          />
        </>
      )}
      <p className="hint" role="status">
        {status}
      </p>
    </div>
  );
}

interface SectionProps {
  settings: ServerSettings;
  onChange: ChangeSettings;
}

function SignupPolicySection({ settings, onChange }: SectionProps) {
  return (
    <fieldset className="settings-group">
      <legend>Who may sign up</legend>
      {POLICIES.map(([value, label, help]) => (
        <label key={value} className="choice">
          <input
            type="radio"
            name="signup-policy"
            value={value}
            checked={settings.signupPolicy === value}
            onChange={() => void onChange({ signupPolicy: value })}
          />
          <span>
            {label}
            <span className="hint">{help}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function GuestSwitchesSection({ settings, onChange }: SectionProps) {
  return (
    <fieldset className="settings-group">
      <legend>Guests and members</legend>
      {SWITCHES.map(([key, label]) => (
        <label key={key} className="choice">
          <input
            type="checkbox"
            role="switch"
            checked={settings[key] === true}
            aria-checked={settings[key] === true}
            onChange={(e) => void onChange({ [key]: e.target.checked })}
          />
          <span>{label}</span>
        </label>
      ))}
    </fieldset>
  );
}
