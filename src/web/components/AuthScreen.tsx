import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { LIMITS } from '../../shared/limits.js';
import { NAME_RULES, passwordProblem, usernameProblem } from '../../shared/names.js';
import type { Self } from '../../shared/protocol.js';
import { AuthError, guest, login, register, signInOptions } from '../api/auth.js';
import { asSentence, FormField } from './FormField.js';

/** A refusal shown under the field it is about. */
type FieldError = { field: 'username' | 'password'; message: string };

/**
 * Under the field the server named; a failed sign-in names none (it must not say which of the
 * two was wrong) and goes under the password, where the person types again.
 */
const fieldOf = (field: string | undefined, mode: Mode): FieldError['field'] =>
  field === 'password' || (field === undefined && mode === 'login') ? 'password' : 'username';

type Mode = 'guest' | 'login' | 'register';

const TITLES: Record<Mode, string> = {
  guest: 'Jump in as a guest',
  login: 'Sign in',
  register: 'Create an account',
};

export function AuthScreen({ onSignedIn }: { onSignedIn(user: Self): void }) {
  const [mode, setMode] = useState<Mode>('guest');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<FieldError | null>(null);
  const [busy, setBusy] = useState(false);
  const [firstAccount, setFirstAccount] = useState(false);
  useEffect(() => {
    let current = true;
    void signInOptions().then((options) => current && setFirstAccount(options.firstAccountIsAdmin));
    return () => {
      current = false;
    };
  }, []);
  // New names and passwords are checked here by the server's own rules, before sending.
  const creating = mode !== 'login';

  async function submit(event: FormEvent) {
    event.preventDefault();
    const nameProblem = creating ? usernameProblem(username) : null;
    const passwordRefused = mode === 'register' ? passwordProblem(password) : null;
    if (nameProblem) return setError({ field: 'username', message: asSentence(nameProblem) });
    if (passwordRefused) return setError({ field: 'password', message: asSentence(passwordRefused) });
    setBusy(true);
    setError(null);
    try {
      const result =
        mode === 'guest'
          ? await guest(username)
          : mode === 'login'
            ? await login(username, password)
            : await register(username, password);
      onSignedIn(result.user);
    } catch (err) {
      const message = err instanceof AuthError ? err.message : 'Could not reach the server';
      setError({
        field: fieldOf(err instanceof AuthError ? err.field : undefined, mode),
        message: asSentence(message),
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard>
      <p className="auth-tagline">Real-time chat for your people.</p>
      <div className="tabs" role="tablist" aria-label="How to sign in">
        {(['guest', 'login', 'register'] as const).map((m) => (
          <button
            key={m}
            type="button"
            role="tab"
            aria-selected={mode === m}
            className={mode === m ? 'tab active' : 'tab'}
            onClick={() => {
              setMode(m);
              setError(null);
            }}
          >
            {m === 'guest' ? 'Guest' : m === 'login' ? 'Sign in' : 'Register'}
          </button>
        ))}
      </div>
      <form onSubmit={submit} noValidate>
        <h1 className="auth-title">{TITLES[mode]}</h1>
        <FormField
          label="Username"
          help={creating ? NAME_RULES.username : undefined}
          error={error?.field === 'username' ? error.message : null}
          name="username"
          autoComplete="username"
          maxLength={LIMITS.usernameMax}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        {mode !== 'guest' && (
          <FormField
            label="Password"
            help={mode === 'register' ? NAME_RULES.password : undefined}
            error={error?.field === 'password' ? error.message : null}
            name="password"
            type="password"
            autoComplete={mode === 'register' ? 'new-password' : 'current-password'}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
        <button className="primary wide" type="submit" disabled={busy}>
          {busy ? 'One moment…' : mode === 'guest' ? 'Start chatting' : TITLES[mode]}
        </button>
        {mode === 'guest' && (
          <p className="hint">Guest names are yours until you sign out. No password needed.</p>
        )}
        {mode === 'register' && firstAccount && (
          <p className="hint first-admin" role="note">
            Nobody has an account here yet: the first one runs this server. It will be its admin — able to
            manage people, rooms and settings.
          </p>
        )}
      </form>
    </AuthCard>
  );
}

/** The card every signed-out screen is drawn on, under the app's name. */
export function AuthCard({ children }: { children: ReactNode }) {
  return (
    <main className="auth">
      <div className="auth-card">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          Parley
        </div>
        {children}
      </div>
    </main>
  );
}
