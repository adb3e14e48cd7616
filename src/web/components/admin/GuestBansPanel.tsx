import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { GuestBan } from '../../../shared/protocol.js';
import { banGuestNameOrAddress, liftGuestBan, loadGuestBans } from '../../api/admin.js';
import { AuthError } from '../../api/auth.js';
import { formatRelative } from '../../lib/time.js';
import { useConfirm } from '../dialogs/ConfirmContext.js';
import { asSentence, FormField } from '../FormField.js';
import { messageOf } from './useAdminList.js';

const KINDS: Record<GuestBan['kind'], string> = { name: 'Name', address: 'Address' };

/**
 * Guest bans, for staff: keep a guest name (and the names that look like it) or an address out
 * of guest sign-ins — someone seen elsewhere, or about to come back — and lift a ban. Banning a
 * guest who is here is done from the People tab (it takes their addresses too); both kinds are
 * listed here.
 */
export function GuestBansPanel() {
  const confirm = useConfirm();
  const [bans, setBans] = useState<GuestBan[] | null>(null);
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [reason, setReason] = useState('');
  const [fieldError, setFieldError] = useState<{ field: 'name' | 'address'; text: string } | null>(null);
  const [status, setStatus] = useState('');

  const reload = useCallback(
    () => loadGuestBans().then(setBans, (e: unknown) => setStatus(asSentence(messageOf(e)))),
    [],
  );
  useEffect(() => void reload(), [reload]);

  async function ban(e: FormEvent) {
    e.preventDefault();
    const input = { name: name.trim(), address: address.trim(), reason: reason.trim() };
    if (!input.name && !input.address)
      return setFieldError({ field: 'name', text: 'A guest name, an address, or both.' });
    setFieldError(null);
    try {
      await banGuestNameOrAddress({
        ...(input.name ? { name: input.name } : {}),
        ...(input.address ? { address: input.address } : {}),
        ...(input.reason ? { reason: input.reason } : {}),
      });
      setName('');
      setAddress('');
      setReason('');
      setStatus(`Banned ${[input.name, input.address].filter(Boolean).join(' and ')}.`);
      await reload();
    } catch (err) {
      const field = err instanceof AuthError && err.field === 'address' ? 'address' : 'name';
      setFieldError({ field, text: asSentence(messageOf(err)) });
    }
  }

  async function lift(entry: GuestBan) {
    const yes = await confirm({
      title: `Lift the ban on ${entry.label}?`,
      body:
        entry.kind === 'name'
          ? 'Guests may use this name again.'
          : 'Guests may come in from this address again.',
      confirmLabel: 'Lift ban',
    });
    if (!yes) return;
    try {
      await liftGuestBan(entry.id);
      setBans((list) => list?.filter((b) => b.id !== entry.id) ?? null);
      setStatus(`The ban on ${entry.label} is lifted.`);
    } catch (e) {
      setStatus(asSentence(messageOf(e)));
    }
  }

  return (
    <div className="guest-bans">
      <form className="guest-ban-form" onSubmit={ban} noValidate aria-label="New guest ban">
        <FormField
          label="Guest name"
          value={name}
          maxLength={64}
          autoComplete="off"
          error={fieldError?.field === 'name' ? fieldError.text : null}
          onChange={(e) => setName(e.target.value)}
        />
        <FormField
          label="Address"
          help="An IPv4 or IPv6 address (IPv6 is banned by its /64). Either field may stay empty."
          value={address}
          maxLength={64}
          autoComplete="off"
          error={fieldError?.field === 'address' ? fieldError.text : null}
          onChange={(e) => setAddress(e.target.value)}
        />
        <FormField
          label="Reason"
          help="For the audit log; optional."
          value={reason}
          maxLength={500}
          error={null}
          onChange={(e) => setReason(e.target.value)}
        />
        <button type="submit" className="danger">
          Ban
        </button>
      </form>
      <p className="hint" role="status">
        {status}
      </p>
      {!bans ? (
        <p className="muted">Loading…</p>
      ) : bans.length === 0 ? (
        <p className="hint">No guest bans.</p>
      ) : (
        <ul className="guest-ban-list" aria-label="Guest bans">
          {bans.map((entry) => (
            <li key={entry.id} className="guest-ban">
              <div>
                <span className="muted small">{KINDS[entry.kind]}</span> <strong>{entry.label}</strong>{' '}
                <span className="muted small">
                  {formatRelative(entry.createdAt)}
                  {entry.reason && `: “${entry.reason}”`}
                </span>
              </div>
              <button
                type="button"
                aria-label={`Lift the ban on ${entry.label}`}
                onClick={() => void lift(entry)}
              >
                Lift
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
