import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { LIMITS } from '../../shared/limits.js';
import { NAME_RULES, passwordProblem, usernameProblem } from '../../shared/names.js';
import type { Self } from '../../shared/protocol.js';
import type { SignInOptions } from '../../shared/schemas.js';
import { AuthError, guest, login, register, signInOptions } from '../api/auth.js';
import { inviteTokenOf, isInviteHash } from '../lib/route.js';
import { asSentence, FormField } from './FormField.js';

/** A refusal shown under the field it is about. */
type FieldError = { field: 'username' | 'password' | 'invite'; message: string };

/**
 * Under the field the server named; a failed sign-in names none (it must not say which of the
 * two was wrong) and goes under the password, where the person types again.
 */
const fieldOf = (field: string | undefined, mode: Mode): FieldError['field'] =>
  field === 'inviteToken'
    ? 'invite'
    : field === 'password' || (field === undefined && mode === 'login')
      ? 'password'
      : 'username';

type Mode = 'guest' | 'login' | 'register';

/**
 * The tabs the server's policy leaves (GET /api/auth/options): no Guest tab when guests are
 * not let in, no Register tab when sign-up is closed — except for a fresh server's first
 * account, which may always register. Until the answer arrives, every tab shows.
 */
export function modesFor(options: SignInOptions | null): Mode[] {
  if (!options) return ['guest', 'login', 'register'];
  const registering = options.firstAccountIsAdmin || options.signupPolicy !== 'closed';
  return [
    ...(options.guestsAllowed ? (['guest'] as const) : []),
    'login',
    ...(registering ? (['register'] as const) : []),
  ];
}

const TITLES: Record<Mode, string> = {
  guest: 'Jump in as a guest',
  login: 'Sign in',
  register: 'Create an account',
};

export function AuthScreen({ onSignedIn }: { onSignedIn(user: Self): void }) {
  // An invite link (`#/invite/<token>`) opens the register screen with its invite filled in.
  const [invite, setInvite] = useState(() => (isInviteHash(location.hash) ? location.href : ''));
  const [mode, setMode] = useState<Mode>(invite ? 'register' : 'guest');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<FieldError | null>(null);
  const [busy, setBusy] = useState(false);
  const [options, setOptions] = useState<SignInOptions | null>(null);
  useEffect(() => {
    let current = true;
    void signInOptions().then((answer) => {
      if (!current) return;
      setOptions(answer);
      // A tab the policy leaves out is not the one to start on.
      setMode((m) => (modesFor(answer).includes(m) ? m : modesFor(answer)[0]!));
    });
    return () => {
      current = false;
    };
  }, []);
  const modes = modesFor(options);
  const firstAccount = options?.firstAccountIsAdmin ?? false;
  const inviteOnly = options?.signupPolicy === 'invite' && !firstAccount;
  const signupClosed = options?.signupPolicy === 'closed' && !firstAccount;
  // New names and passwords are checked here by the server's own rules, before sending.
  const creating = mode !== 'login';

  async function submit(event: FormEvent) {
    event.preventDefault();
    const nameProblem = creating ? usernameProblem(username) : null;
    const passwordRefused = mode === 'register' ? passwordProblem(password) : null;
    if (nameProblem) return setError({ field: 'username', message: asSentence(nameProblem) });
    if (passwordRefused) return setError({ field: 'password', message: asSentence(passwordRefused) });
    const inviteToken = mode === 'register' && invite.trim() ? inviteTokenOf(invite) : null;
    if (mode === 'register' && invite.trim() && !inviteToken)
      return setError({ field: 'invite', message: 'Paste the whole invite link, or the code at its end.' });
    if (mode === 'register' && inviteOnly && !inviteToken)
      return setError({ field: 'invite', message: 'Sign-up here needs an invite: paste your invite link.' });
    setBusy(true);
    setError(null);
    try {
      const result =
        mode === 'guest'
          ? await guest(username)
          : mode === 'login'
            ? await login(username, password)
            : await register(username, password, inviteToken ?? undefined);
      // The invite link has done its work: the chat opens at its own address.
      if (isInviteHash(location.hash)) history.replaceState(null, '', location.pathname + location.search);
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
        {modes.map((m) => (
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
        {mode === 'register' && (inviteOnly || invite) && (
          <FormField
            label="Invite link"
            help={
              inviteOnly
                ? 'Sign-up on this server needs an invite: ask a member for an invite link and paste it here.'
                : 'The invite you came with.'
            }
            error={error?.field === 'invite' ? error.message : null}
            name="invite"
            autoComplete="off"
            spellCheck={false}
            value={invite}
            onChange={(e) => setInvite(e.target.value)}
          />
        )}
        <button className="primary wide" type="submit" disabled={busy}>
          {busy ? 'One moment…' : mode === 'guest' ? 'Start chatting' : TITLES[mode]}
        </button>
        {mode === 'guest' && (
          <p className="hint">Guest names are yours until you sign out. No password needed.</p>
        )}
        {mode === 'login' && signupClosed && (
          <p className="hint" role="note">
            Sign-up is closed on this server: ask an admin to let you in.
          </p>
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
