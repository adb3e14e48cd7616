import { useState } from 'react';
import type { AdminUser } from '../../../shared/protocol.js';
import {
  banGuest,
  changePerson,
  loadPeople,
  type OperatorRole,
  purgeMessagesOf,
  signInLinkFor,
} from '../../api/admin.js';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import { formatLastSeen } from '../../lib/time.js';
import { useConfirm } from '../dialogs/ConfirmContext.js';
import { AdminSearch } from './AdminSearch.js';
import { messageOf, useAdminList } from './useAdminList.js';

const ROLES: OperatorRole[] = ['admin', 'moderator', 'member'];

/**
 * People on the server: search by name, see role, status and last seen; admins change roles,
 * deactivate and reactivate accounts, and make one-time sign-in links for those who lost their
 * password, and remove all of someone's messages (spam clean-up). Moderators see the list only.
 */
export function PeoplePanel() {
  const isAdmin = useChatSelector((s) => s.me.role === 'admin');
  const isStaff = useChatSelector((s) => s.me.role === 'admin' || s.me.role === 'moderator');
  const meId = useChatSelector((s) => s.me.id);
  const confirm = useConfirm();
  const { query, setQuery, items: people, setItems: setPeople, status, setStatus } = useAdminList(loadPeople);
  const [link, setLink] = useState<{ username: string; url: string } | null>(null);

  const replace = (user: AdminUser) =>
    setPeople((list) => list?.map((u) => (u.id === user.id ? user : u)) ?? null);
  async function change(person: AdminUser, what: { role?: OperatorRole; deactivated?: boolean }) {
    if (what.deactivated) {
      const yes = await confirm({
        title: `Deactivate ${person.username}?`,
        body: 'They are signed out everywhere at once and cannot sign in until reactivated. Their messages stay.',
        confirmLabel: 'Deactivate',
      });
      if (!yes) return;
    }
    try {
      const user = await changePerson(person.id, what);
      replace(user);
      setStatus(
        what.role
          ? `${user.username} is now ${user.role === 'admin' ? 'an admin' : `a ${user.role}`}.`
          : `${user.username} is ${user.deactivated ? 'deactivated' : 'active again'}.`,
      );
    } catch (error) {
      setStatus(messageOf(error));
    }
  }
  async function ban(person: AdminUser) {
    const yes = await confirm({
      title: `Ban the guest ${person.username}?`,
      body: 'They are signed out at once. Guests may not use this name (or one that looks like it) again, nor come in from the addresses they used.',
      confirmLabel: 'Ban guest',
    });
    if (!yes) return;
    try {
      await banGuest(person.id);
      replace({ ...person, deactivated: true, online: false });
      setStatus(`${person.username} is banned.`);
    } catch (error) {
      setStatus(messageOf(error));
    }
  }
  async function purge(person: AdminUser) {
    const yes = await confirm({
      title: `Remove every message of ${person.username}?`,
      body: 'Their messages are deleted in every room, for everyone, and cannot be brought back.',
      confirmLabel: 'Remove messages',
    });
    if (!yes) return;
    try {
      const deleted = await purgeMessagesOf(person.id);
      setStatus(`Removed ${deleted} ${deleted === 1 ? 'message' : 'messages'} of ${person.username}.`);
    } catch (error) {
      setStatus(messageOf(error));
    }
  }
  async function makeLink(person: AdminUser) {
    try {
      const { url } = await signInLinkFor(person.id);
      setLink({ username: person.username, url });
      setStatus(null);
    } catch (error) {
      setStatus(messageOf(error));
    }
  }

  return (
    <>
      <AdminSearch
        id="admin-people-search"
        label="Find someone"
        query={query}
        onQuery={setQuery}
        status={status}
      />
      {link && (
        <div className="invite-link">
          <label htmlFor="admin-sign-in-link">
            A sign-in link for {link.username}: it works once, for 24 hours, and asks for a new password.
          </label>
          <input id="admin-sign-in-link" readOnly value={link.url} onFocus={(e) => e.target.select()} />
          <button
            type="button"
            onClick={() => void navigator.clipboard.writeText(link.url).then(() => setStatus('Link copied'))}
          >
            Copy link
          </button>
        </div>
      )}
      {!people ? (
        <p className="muted">Loading…</p>
      ) : (
        <table className="admin-people">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              {isStaff && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {people.map((person) => (
              <tr key={person.id}>
                <th scope="row">{person.username}</th>
                <td>
                  {isAdmin && !person.guest && person.id !== meId ? (
                    <select
                      aria-label={`Role of ${person.username}`}
                      value={person.role}
                      onChange={(e) => void change(person, { role: e.target.value as OperatorRole })}
                    >
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {role}
                        </option>
                      ))}
                    </select>
                  ) : (
                    person.role
                  )}
                </td>
                <td>
                  {person.deactivated
                    ? 'Deactivated'
                    : person.online
                      ? 'Online'
                      : person.lastSeenAt
                        ? `Seen ${formatLastSeen(person.lastSeenAt)}`
                        : 'Never seen'}
                </td>
                {isStaff && (
                  <td className="row admin-actions">
                    {person.guest && !person.deactivated && (
                      <button
                        type="button"
                        onClick={() => void ban(person)}
                        aria-label={`Ban ${person.username}`}
                      >
                        Ban guest
                      </button>
                    )}
                    {isAdmin && !person.guest && person.id !== meId && (
                      <>
                        <button
                          type="button"
                          onClick={() => void change(person, { deactivated: !person.deactivated })}
                          aria-label={`${person.deactivated ? 'Reactivate' : 'Deactivate'} ${person.username}`}
                        >
                          {person.deactivated ? 'Reactivate' : 'Deactivate'}
                        </button>
                        {!person.deactivated && (
                          <button
                            type="button"
                            onClick={() => void makeLink(person)}
                            aria-label={`Sign-in link for ${person.username}`}
                          >
                            Sign-in link
                          </button>
                        )}
                      </>
                    )}
                    {isAdmin && person.id !== meId && (
                      <button
                        type="button"
                        onClick={() => void purge(person)}
                        aria-label={`Remove messages of ${person.username}`}
                      >
                        Remove messages
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
