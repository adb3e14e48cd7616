import { createElement, type ReactNode, useRef } from 'react';
import { AuthError, logout } from '../api/auth.js';
import { useChatClient } from '../hooks/ChatContext.js';
import { useConfirm } from './dialogs/ConfirmContext.js';
import type { ConfirmRequest } from './dialogs/ConfirmDialog.js';

/**
 * Signing out on a shared computer: asks first when something would be lost — a guest's name
 * and the rooms only that name could open, messages still in the outbox — then removes the
 * user's drafts and outbox from the browser, so the next person finds nothing of theirs. Only
 * once the server has ended the session: until then nothing is removed.
 */
export function useSignOut(onSignedOut: () => void): () => Promise<void> {
  const client = useChatClient();
  const confirm = useConfirm();
  // One sign-out at a time: a double click would ask twice and log out twice.
  const inProgress = useRef(false);
  return async () => {
    if (inProgress.current) return;
    inProgress.current = true;
    try {
      await signOut();
    } finally {
      inProgress.current = false;
    }
  };

  async function signOut() {
    const { me, outbox } = client.getState();
    const question = signOutQuestion(me.username, me.guest, outbox.length);
    if (question && !(await confirm(question))) return;
    // The session lives in an HttpOnly cookie only the server can end: offline, the page would
    // look signed out while the next person at this computer could reload into the account.
    try {
      await logout();
    } catch (error) {
      // Logout answers 204 with or without a session: a refusal other than `unauthorized` (the
      // server failing, throttling) leaves the session valid, so nothing may be removed yet.
      if (!(error instanceof AuthError && error.code === 'unauthorized')) {
        client.notify(
          error instanceof AuthError
            ? 'Could not sign out: the server did not end the session. Try again in a moment.'
            : 'Could not sign out: no connection to the server. Try again once you are back online.',
          'error',
        );
        return;
      }
    }
    client.forgetLocalData();
    onSignedOut();
  }
}

function signOutQuestion(name: string, guest: boolean, unsent: number): ConfirmRequest | null {
  if (!guest && unsent === 0) return null;
  const lines: ReactNode[] = [];
  if (guest)
    lines.push(
      `You are signed in as the guest ${name}. A guest cannot sign back in: signing out gives up the name ${name}, and with it your direct messages and groups.`,
    );
  if (unsent > 0)
    lines.push(
      `${unsent} ${unsent === 1 ? 'message has' : 'messages have'} not been sent yet and will be lost.`,
    );
  return {
    title: 'Sign out?',
    body: lines.map((line, i) => createElement('p', { key: i }, line)),
    confirmLabel: unsent > 0 ? 'Sign out anyway' : 'Sign out',
  };
}
