import type { AuthResponse, Self } from '../../shared/protocol.js';
import type { SignInOptions } from '../../shared/schemas.js';

/** Account calls. The session itself lives in an HttpOnly cookie the browser sends for us. */

/** A refusal from the server (the problem document's code, detail and field). */
export class AuthError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The request field the server refused, when it named one. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A JSON request with the session cookie; a refusal throws an AuthError carrying its field. */
export async function requestJson(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<unknown> {
  const response = await fetch(path, {
    method,
    credentials: 'include',
    ...(signal ? { signal } : {}),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const payload = (await response.json().catch(() => null)) as {
    code?: string;
    detail?: string;
    field?: string;
  } | null;
  if (!response.ok)
    throw new AuthError(
      payload?.code ?? 'internal',
      payload?.detail ?? `request failed (${response.status})`,
      payload?.field,
    );
  return payload;
}

const post = (path: string, body?: unknown) => requestJson('POST', path, body);

/** `inviteToken`: from an invite link, needed when sign-up is invite-only. */
export const register = (username: string, password: string, inviteToken?: string) =>
  post('/api/auth/register', {
    username,
    password,
    ...(inviteToken ? { inviteToken } : {}),
  }) as Promise<AuthResponse>;
export const login = (username: string, password: string) =>
  post('/api/auth/login', { username, password }) as Promise<AuthResponse>;
export const guest = (username: string) => post('/api/auth/guest', { username }) as Promise<AuthResponse>;
export const logout = () => post('/api/auth/logout');
/** Ends every other session of the user; this one stays. */
export const changePassword = (currentPassword: string, newPassword: string) =>
  post('/api/auth/password', { currentPassword, newPassword });

/** Uses a one-time sign-in link: sets the password, ends every other session, signs in. */
export const signInWithLink = (token: string, newPassword: string) =>
  post('/api/auth/sign-in-link', { token, newPassword }) as Promise<AuthResponse>;

/** What the sign-in screen may offer; on failure, nothing special. */
export async function signInOptions(): Promise<SignInOptions> {
  const response = await fetch('/api/auth/options').catch(() => null);
  if (!response?.ok) return { firstAccountIsAdmin: false, signupPolicy: 'open', guestsAllowed: true };
  return (await response.json()) as SignInOptions;
}

export async function currentUser(): Promise<Self | null> {
  const response = await fetch('/api/me', { credentials: 'include' });
  if (!response.ok) return null;
  return ((await response.json()) as { user: Self }).user;
}
