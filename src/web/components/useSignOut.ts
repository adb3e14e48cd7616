import { createElement, type ReactNode } from 'react';
import { AuthError, logout } from '../api/auth.js';
import { useChatClient } from '../hooks/ChatContext.js';
import { forgetUserData } from '../state/local-data.js';
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
  return async () => {
    const { me, outbox } = client.getState();
    const question = signOutQuestion(me.username, me.guest, outbox.length);
    if (question && !(await confirm(question))) return;
    // The session lives in an HttpOnly cookie only the server can end: offline, the page would
    // look signed out while the next person at this computer could reload into the account.
    try {
      await logout();
    } catch (error) {
      if (!(error instanceof AuthError)) {
        client.notify(
          'Could not sign out: no connection to the server. Try again once you are back online.',
          'error',
        );
        return;
      }
      // Refused (an expired session, say): the server holds no session for this page either.
    }
    client.stop();
    forgetUserData(window.localStorage, me.id);
    onSignedOut();
  };
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
