import { type FormEvent, useId, useState } from 'react';
import type { PublicUser } from '../../shared/protocol.js';
import { AuthError, guest, login, register } from '../api/auth.js';

type Mode = 'guest' | 'login' | 'register';

const TITLES: Record<Mode, string> = {
  guest: 'Jump in as a guest',
  login: 'Sign in',
  register: 'Create an account',
};

export function AuthScreen({ onSignedIn }: { onSignedIn(user: PublicUser): void }) {
  const [mode, setMode] = useState<Mode>('guest');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { user: useId(), password: useId(), error: useId() };

  async function submit(event: FormEvent) {
    event.preventDefault();
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
      setError(err instanceof AuthError ? err.message : 'Could not reach the server');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth">
      <div className="auth-card">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          Parley
        </div>
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
        <form onSubmit={submit} aria-describedby={error ? ids.error : undefined}>
          <h1 className="auth-title">{TITLES[mode]}</h1>
          <label htmlFor={ids.user}>Username</label>
          <input
            id={ids.user}
            name="username"
            autoComplete="username"
            required
            maxLength={32}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          {mode !== 'guest' && (
            <>
              <label htmlFor={ids.password}>Password</label>
              <input
                id={ids.password}
                name="password"
                type="password"
                autoComplete={mode === 'register' ? 'new-password' : 'current-password'}
                required
                minLength={mode === 'register' ? 8 : 1}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </>
          )}
          {error && (
            <p className="form-error" id={ids.error} role="alert">
              {error}
            </p>
          )}
          <button className="primary wide" type="submit" disabled={busy}>
            {busy ? 'One moment…' : mode === 'guest' ? 'Start chatting' : TITLES[mode]}
          </button>
          {mode === 'guest' && (
            <p className="hint">Guest names are yours until you sign out. No password needed.</p>
          )}
        </form>
      </div>
    </main>
  );
}
