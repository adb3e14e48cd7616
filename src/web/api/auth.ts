import type { AuthResponse, Self } from '../../shared/protocol.js';
import type { SignInOptions } from '../../shared/schemas.js';

/** Account calls. The session itself lives in an HttpOnly cookie the browser sends for us. */

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

async function post(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'include',
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

export const register = (username: string, password: string) =>
  post('/api/auth/register', { username, password }) as Promise<AuthResponse>;
export const login = (username: string, password: string) =>
  post('/api/auth/login', { username, password }) as Promise<AuthResponse>;
export const guest = (username: string) => post('/api/auth/guest', { username }) as Promise<AuthResponse>;
export const logout = () => post('/api/auth/logout');
/** Ends every other session of the user; this one stays. */
export const changePassword = (currentPassword: string, newPassword: string) =>
  post('/api/auth/password', { currentPassword, newPassword });

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
