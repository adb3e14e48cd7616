import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SignInLinkRow } from '../store/sign-in-links.js';

/** How long a one-time sign-in link works unless the operator says otherwise. */
export const SIGN_IN_LINK_TTL_MS = 24 * 3_600_000;

/**
 * A fresh one-time sign-in link for `userId`: the token (printed once, never stored) and the
 * row to store, which holds only its SHA-256.
 */
export function newSignInLink(userId: string, now: number, ttlMs = SIGN_IN_LINK_TTL_MS) {
  const token = randomBytes(32).toString('base64url');
  const row: SignInLinkRow = {
    id: randomUUID(),
    token_hash: signInTokenHash(token),
    user_id: userId,
    created_at: now,
    expires_at: now + ttlMs,
    used_at: null,
  };
  return { token, row };
}

export const signInTokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The address a person opens: the web client's "Set a new password" screen. */
export function signInLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/#/sign-in/${token}`;
}
