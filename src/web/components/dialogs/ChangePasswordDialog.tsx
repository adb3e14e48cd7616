import { type FormEvent, useState } from 'react';
import { NAME_RULES, passwordProblem } from '../../../shared/names.js';
import { AuthError, changePassword } from '../../api/auth.js';
import { useChatClient } from '../../hooks/ChatContext.js';
import { asSentence, FormField } from '../FormField.js';
import { Modal } from '../Modal.js';

type Field = 'current' | 'next';

/**
 * A new password for the signed-in account. The server checks the current one and ends every
 * other session of the account (another browser left signed in is signed out); this one stays.
 * Errors go under the field the server names (`currentPassword`, `newPassword`).
 */
export function ChangePasswordDialog({ onClose }: { onClose(): void }) {
  const client = useChatClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<{ field: Field; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!current) return setError({ field: 'current', message: 'Type your current password.' });
    const refused = passwordProblem(next);
    if (refused) return setError({ field: 'next', message: asSentence(refused) });
    setBusy(true);
    try {
      await changePassword(current, next);
      client.notify('Password changed. Your other sessions were signed out.');
      onClose();
    } catch (err) {
      const message = err instanceof AuthError ? err.message : 'Could not reach the server';
      const field = err instanceof AuthError && err.field === 'newPassword' ? 'next' : 'current';
      setError({ field, message: asSentence(message) });
    } finally {
      setBusy(false);
    }
  }

  const errorOf = (field: Field) => (error?.field === field ? error.message : null);
  return (
    <Modal title="Change password" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <FormField
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={current}
          error={errorOf('current')}
          onChange={(e) => {
            setCurrent(e.target.value);
            setError(null);
          }}
        />
        <FormField
          label="New password"
          type="password"
          autoComplete="new-password"
          help={`${NAME_RULES.password} Your other sessions will be signed out.`}
          value={next}
          error={errorOf('next')}
          onChange={(e) => {
            setNext(e.target.value);
            setError(null);
          }}
        />
        <button className="primary" type="submit" disabled={busy}>
          Change password
        </button>
      </form>
    </Modal>
  );
}
