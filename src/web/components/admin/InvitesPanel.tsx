import { type FormEvent, useEffect, useId, useState } from 'react';
import type { Invite } from '../../../shared/protocol.js';
import { createInvite, loadInvites, revokeInvite } from '../../api/admin.js';
import { useConfirm } from '../dialogs/ConfirmContext.js';
import { asSentence, FormField } from '../FormField.js';
import { messageOf } from './useAdminList.js';

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

const sentenceOf = (error: unknown) => asSentence(messageOf(error));

/**
 * Invite links: make one (expiry, number of uses), copy its link — shown once, since the server
 * keeps only the token's hash — and see each invite's state and who came in with it; revoke.
 * The same panel serves the admin page and a member's Invite people dialog: `GET /api/invites`
 * answers admins with every invite and everyone else with their own, so nothing here asks who
 * is looking.
 */
export function InvitesPanel() {
  const confirm = useConfirm();
  const [invites, setInvites] = useState<Invite[] | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [expiry, setExpiry] = useState('7 days');
  const [uses, setUses] = useState('');
  const [usesError, setUsesError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const expiryId = useId();

  useEffect(() => {
    let current = true;
    loadInvites().then(
      (list) => current && setInvites(list),
      (e: unknown) => current && setError(sentenceOf(e)),
    );
    return () => {
      current = false;
    };
  }, []);

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
      setInvites((list) => [answer.invite, ...(list ?? [])]);
    } catch (err) {
      setUsesError(sentenceOf(err));
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
      setInvites((list) => list?.map((i) => (i.id === revoked.id ? revoked : i)) ?? null);
      setStatus('Invite revoked.');
    } catch (e) {
      setError(sentenceOf(e));
    }
  }

  return (
    <div className="invites">
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
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
      <p className="hint" role="status">
        {status}
      </p>
      {!invites ? (
        !error && <p className="muted">Loading…</p>
      ) : invites.length === 0 ? (
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
                  <div className="small">Used by {invite.usedBy.map((u) => u.user.username).join(', ')}</div>
                )}
              </div>
              {/* A lapsed invite comes back if its maker may invite again: revoking ends it. */}
              {(invite.state === 'active' || invite.state === 'lapsed') && (
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
    </div>
  );
}
