import { useCallback, useEffect, useState } from 'react';
import type { SessionInfo } from '../../../shared/protocol.js';
import { AuthError } from '../../api/auth.js';
import { listSessions, signOutOtherSessions, signOutSession } from '../../api/sessions.js';
import { useChatClient } from '../../hooks/ChatContext.js';
import { useNow } from '../../hooks/useNow.js';
import { formatExact, formatRelative } from '../../lib/time.js';
import { asSentence } from '../FormField.js';
import { Modal } from '../Modal.js';
import { useConfirm } from './ConfirmContext.js';

const deviceOf = (session: SessionInfo) => session.device ?? 'Unknown device';

/**
 * Every browser and app signed in as the user, this one marked "This device": what it
 * is, where it was last used from, when it signed in and was last active. Any other one can
 * be signed out, or all of them at once, after a question; a signed-out browser shows its
 * sign-in screen at once. This device is signed out with the account menu's Sign out, which
 * also clears what it keeps in the browser.
 */
export function SessionsDialog({ onClose }: { onClose(): void }) {
  const client = useChatClient();
  const confirm = useConfirm();
  const now = useNow();
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setSessions(await listSessions());
    } catch (err) {
      setError(failure(err, 'Could not load your sessions'));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (work: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    try {
      client.notify(await work());
    } catch (err) {
      setError(failure(err, 'Could not sign it out'));
    } finally {
      // Whatever happened, show the sessions as they are now.
      await load();
      setBusy(false);
    }
  };

  const signOutOne = async (session: SessionInfo) => {
    const where = session.address ? ` (${session.address})` : '';
    const yes = await confirm({
      title: 'Sign out this session?',
      body: <p>{`${deviceOf(session)}${where} is signed out at once and has to sign in again.`}</p>,
      confirmLabel: 'Sign out',
    });
    if (yes) {
      await act(async () => {
        await signOutSession(session.id);
        return `Signed out ${deviceOf(session)}.`;
      });
    }
  };

  const others = sessions?.filter((s) => !s.current) ?? [];
  const signOutOthers = async () => {
    const count =
      others.length === 1 ? 'The other browser or app' : `The ${others.length} other browsers and apps`;
    const yes = await confirm({
      title: 'Sign out all other sessions?',
      body: <p>{`${count} signed in as you will be signed out at once. This one stays signed in.`}</p>,
      confirmLabel: 'Sign out all others',
    });
    if (yes) {
      await act(async () => {
        const ended = await signOutOtherSessions();
        return `Signed out ${ended} other ${ended === 1 ? 'session' : 'sessions'}.`;
      });
    }
  };

  return (
    <Modal title="Sessions" onClose={onClose}>
      <p className="hint">
        Where you are signed in. Sign out any you do not recognise — and change your password if you think
        someone else knows it.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {!sessions ? (
        !error && <p className="muted">Loading…</p>
      ) : (
        <ul className="session-list" aria-label="Sessions">
          {sessions.map((session) => (
            <li key={session.id} className="session">
              <div className="session-about">
                <span>
                  <strong>{deviceOf(session)}</strong>
                  {session.current && <span className="tag">This device</span>}
                </span>
                <span className="muted small" title={session.userAgent ?? undefined}>
                  {[session.address ?? 'Address unknown', lastActive(session, now)].join(' · ')}
                </span>
                <span className="muted small" title={formatExact(session.createdAt)}>
                  Signed in {formatRelative(session.createdAt, now)}
                </span>
              </div>
              {!session.current && (
                <button
                  type="button"
                  disabled={busy}
                  aria-label={`Sign out ${deviceOf(session)}${session.address ? `, ${session.address}` : ''}`}
                  onClick={() => void signOutOne(session)}
                >
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {sessions && others.length === 0 && <p className="muted small">You are signed in nowhere else.</p>}
      {others.length > 0 && (
        <button type="button" className="danger wide" disabled={busy} onClick={() => void signOutOthers()}>
          Sign out all other sessions
        </button>
      )}
    </Modal>
  );
}

function lastActive(session: SessionInfo, now: number): string {
  if (session.current) return 'Active now';
  return session.lastActiveAt === null
    ? 'Last active: not known'
    : `Last active ${formatRelative(session.lastActiveAt, now)}`;
}

function failure(err: unknown, fallback: string): string {
  return asSentence(err instanceof AuthError ? err.message : `${fallback}: the server could not be reached`);
}
