import { type FormEvent, useEffect, useId, useState } from 'react';
import type { Invite } from '../../../shared/protocol.js';
import type { ServerSettings, SignupPolicy } from '../../../shared/schemas.js';
import { createInvite, loadInvites, loadSettings, revokeInvite, saveSettings } from '../../api/admin.js';
import { AuthError } from '../../api/auth.js';
import { asSentence, FormField } from '../FormField.js';
import { Modal } from '../Modal.js';
import { useConfirm } from './ConfirmContext.js';

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

const EXPIRIES: [string, number | null][] = [
  ['1 hour', 1],
  ['1 day', 24],
  ['7 days', 24 * 7],
  ['30 days', 24 * 30],
  ['Never', null],
];

const STATES: Record<Invite['state'], string> = {
  active: 'Active',
  expired: 'Expired',
  'used-up': 'Used up',
  revoked: 'Revoked',
  lapsed: 'Lapsed: its maker may no longer invite',
};

/** A moment before or after now, as a date and a time ("3 Dec 2026, 14:00"). */
const when = (ms: number) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);

const messageOf = (error: unknown) =>
  asSentence(error instanceof AuthError ? error.message : 'could not reach the server');

/**
 * Who may come in, for admins: the sign-up policy, the guest rules and invite links. Every
 * change is saved at once and counts at once on every node (the server checks the right
 * again; this dialog is only offered to admins). The full admin page comes later (#17).
 */
export function SettingsDialog({ onClose }: { onClose(): void }) {
  const confirm = useConfirm();
  const [settings, setSettings] = useState<ServerSettings | null>(null);
  const [invites, setInvites] = useState<Invite[]>([]);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [expiry, setExpiry] = useState('7 days');
  const [uses, setUses] = useState('');
  const [usesError, setUsesError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const invitesTitle = useId();
  const expiryId = useId();

  useEffect(() => {
    let current = true;
    Promise.all([loadSettings(), loadInvites()])
      .then(([loaded, list]) => {
        if (!current) return;
        setSettings(loaded);
        setInvites(list);
      })
      .catch((e: unknown) => current && setError(messageOf(e)));
    return () => {
      current = false;
    };
  }, []);

  async function change(patch: Partial<ServerSettings>) {
    setError(null);
    try {
      setSettings(await saveSettings(patch));
      setStatus('Saved.');
    } catch (e) {
      setError(messageOf(e));
    }
  }

  async function create(e: FormEvent) {
    e.preventDefault();
    const maxUses = uses.trim() ? Number(uses) : null;
    if (maxUses !== null && (!Number.isInteger(maxUses) || maxUses < 1))
      return setUsesError('A whole number of uses, 1 or more, or leave it empty for any number.');
    setUsesError(null);
    try {
      const hours = EXPIRIES.find(([label]) => label === expiry)?.[1] ?? null;
      const answer = await createInvite({ expiresInHours: hours, maxUses });
      setCreated(`${location.origin}${answer.path}`);
      setCopied(false);
      setInvites((list) => [answer.invite, ...list]);
    } catch (err) {
      setUsesError(messageOf(err));
    }
  }

  async function revoke(invite: Invite) {
    const yes = await confirm({
      title: 'Revoke this invite?',
      body: 'Nobody else can sign up with its link. Those who already did keep their accounts.',
      confirmLabel: 'Revoke',
    });
    if (!yes) return;
    try {
      const revoked = await revokeInvite(invite.id);
      setInvites((list) => list.map((i) => (i.id === revoked.id ? revoked : i)));
      setStatus('Invite revoked.');
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <Modal title="Settings & invites" onClose={onClose}>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {!settings ? (
        !error && <p role="status">Loading…</p>
      ) : (
        <div className="settings">
          <fieldset className="settings-group">
            <legend>Who may sign up</legend>
            {POLICIES.map(([value, label, help]) => (
              <label key={value} className="choice">
                <input
                  type="radio"
                  name="signup-policy"
                  value={value}
                  checked={settings.signupPolicy === value}
                  onChange={() => void change({ signupPolicy: value })}
                />
                <span>
                  {label}
                  <span className="hint">{help}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset className="settings-group">
            <legend>Guests and members</legend>
            {SWITCHES.map(([key, label]) => (
              <label key={key} className="choice">
                <input
                  type="checkbox"
                  role="switch"
                  checked={settings[key] === true}
                  aria-checked={settings[key] === true}
                  onChange={(e) => void change({ [key]: e.target.checked })}
                />
                <span>{label}</span>
              </label>
            ))}
          </fieldset>
          <p className="hint" role="status">
            {status}
          </p>

          <section aria-labelledby={invitesTitle}>
            <h3 id={invitesTitle}>Invites</h3>
            <form className="invite-form" onSubmit={create} noValidate>
              <label htmlFor={expiryId}>Expires after</label>
              <select id={expiryId} value={expiry} onChange={(e) => setExpiry(e.target.value)}>
                {EXPIRIES.map(([label]) => (
                  <option key={label}>{label}</option>
                ))}
              </select>
              <FormField
                label="Uses"
                help="Empty: any number of people."
                type="number"
                inputMode="numeric"
                min={1}
                value={uses}
                error={usesError}
                onChange={(e) => setUses(e.target.value)}
              />
              <button type="submit">Create invite</button>
            </form>
            {created && (
              <div className="invite-link">
                <FormField
                  label="New invite link"
                  help="Shown once: copy it now."
                  readOnly
                  value={created}
                  error={null}
                  onFocus={(e) => e.target.select()}
                />
                <button
                  type="button"
                  onClick={() => {
                    void navigator.clipboard
                      ?.writeText(created)
                      .then(() => setCopied(true))
                      .catch(() => {});
                  }}
                >
                  {copied ? 'Copied!' : 'Copy link'}
                </button>
              </div>
            )}
            {invites.length === 0 ? (
              <p className="hint">No invites yet.</p>
            ) : (
              <ul className="invite-list" aria-label="Invites">
                {invites.map((invite) => (
                  <li key={invite.id} className="invite">
                    <div>
                      <strong>{STATES[invite.state]}</strong>{' '}
                      <span className="muted small">
                        {invite.uses}
                        {invite.maxUses === null ? '' : ` of ${invite.maxUses}`} used
                        {invite.expiresAt !== null &&
                          `, ${invite.state === 'expired' ? 'expired' : 'expires'} ${when(invite.expiresAt)}`}
                        {invite.createdBy && `, by ${invite.createdBy.username}`}
                      </span>
                      {invite.usedBy.length > 0 && (
                        <div className="small">
                          Used by {invite.usedBy.map((u) => u.user.username).join(', ')}
                        </div>
                      )}
                    </div>
                    {invite.state === 'active' && (
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Revoke invite made ${when(invite.createdAt)}`}
                        onClick={() => void revoke(invite)}
                      >
                        Revoke
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
    </Modal>
  );
}
