import { useEffect, useState } from 'react';
import type { AuditEntry } from '../../../shared/protocol.js';
import { loadAudit } from '../../api/admin.js';
import { AuthError } from '../../api/auth.js';
import { formatRelative } from '../../lib/time.js';

/** What each recorded action reads as. */
const ACTIONS: Record<string, string> = {
  'room.kick': 'removed',
  'room.ban': 'banned',
  'room.mute': 'muted',
  'room.set-room-role': 'changed the room role of',
  'room.update': 'changed a room',
  'room.delete': 'deleted a room',
  'guest.ban': 'banned the guest',
  'guest.unban': 'lifted a guest ban',
  'message.delete': 'deleted a message of',
  'report.resolve': 'handled a report about',
  'user.role': 'changed the role of',
  'user.deactivate': 'deactivated',
  'user.reactivate': 'reactivated',
  'user.sign-in-link': 'made a sign-in link for',
  'user.purge-messages': 'removed the messages of',
  'user.create-admin': 'created the admin',
};

/** The audit log, newest first, filtered by what was done (admins). */
export function AuditPanel() {
  const [action, setAction] = useState('');
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    loadAudit(action ? { action } : {}).then(
      (list) => current && setEntries(list),
      (e: unknown) => current && setError(e instanceof AuthError ? e.message : 'Could not reach the server'),
    );
    return () => {
      current = false;
    };
  }, [action]);
  return (
    <>
      <label htmlFor="admin-audit-action">Show</label>
      <select id="admin-audit-action" value={action} onChange={(e) => setAction(e.target.value)}>
        <option value="">Everything</option>
        {Object.entries(ACTIONS).map(([key, label]) => (
          <option key={key} value={key}>
            {label.replace(/ (of|about|for)$/, '')}
          </option>
        ))}
      </select>
      {error && <p role="alert">{error}</p>}
      {!entries ? (
        <p className="muted">Loading…</p>
      ) : entries.length === 0 ? (
        <p className="muted">Nothing recorded yet.</p>
      ) : (
        <ol className="admin-audit">
          {entries.map((entry) => (
            <li key={entry.id}>
              <span className="muted small">{formatRelative(entry.at)}</span>{' '}
              <strong>{entry.actor?.username ?? 'The operator (CLI)'}</strong>{' '}
              {ACTIONS[entry.action] ?? entry.action}{' '}
              {entry.target && <strong>{entry.target.username}</strong>}
              {entry.reason && <span className="muted"> — “{entry.reason}”</span>}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
