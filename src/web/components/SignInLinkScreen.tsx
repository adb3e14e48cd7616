import { type FormEvent, useState } from 'react';
import { NAME_RULES, passwordProblem } from '../../shared/names.js';
import type { Self } from '../../shared/protocol.js';
import { AuthError, signInWithLink } from '../api/auth.js';
import { AuthCard } from './AuthScreen.js';
import { asSentence, FormField } from './FormField.js';

/**
 * `#/sign-in/<token>`: a one-time sign-in link an admin printed (`parley reset-password`, or
 * `parley create-admin` without a password). The person sets a new password and is signed in;
 * every other session of the account ends. A used, expired or mistyped link says so under the
 * field, with the way back to the ordinary sign-in screen.
 */
export function SignInLinkScreen({
  token,
  onSignedIn,
  onLeave,
}: {
  token: string;
  onSignedIn(user: Self): void;
  onLeave(): void;
}) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const refused = passwordProblem(password);
    if (refused) return setError(asSentence(refused));
    setBusy(true);
    setError(null);
    try {
      onSignedIn((await signInWithLink(token, password)).user);
    } catch (err) {
      setError(asSentence(err instanceof AuthError ? err.message : 'Could not reach the server'));
      setBusy(false);
    }
  }

  return (
    <AuthCard>
      <form onSubmit={submit} noValidate>
        <h1 className="auth-title">Set a new password</h1>
        <p className="hint">This link works once. Your other sessions will be signed out.</p>
        <FormField
          label="New password"
          help={NAME_RULES.password}
          error={error}
          name="new-password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            setError(null);
          }}
        />
        <button className="primary wide" type="submit" disabled={busy}>
          {busy ? 'One moment…' : 'Set password and sign in'}
        </button>
        <button className="link-button" type="button" onClick={onLeave}>
          Go to the sign-in screen instead
        </button>
      </form>
    </AuthCard>
  );
}
