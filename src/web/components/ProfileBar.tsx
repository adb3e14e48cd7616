import { useState } from 'react';
import { useChatSelector } from '../hooks/useChatSelector.js';
import { currentTheme, setTheme, type Theme } from '../lib/theme.js';
import { Icon } from './Icon.js';
import { NotificationToggle } from './NotificationToggle.js';

const ROLE_TITLES = {
  admin: 'You run this server: people, rooms and settings',
  moderator: 'You moderate every channel on this server',
} as const;

const ACCOUNT_DIALOGS = [
  { kind: 'sessions', label: 'Sessions', title: 'Sessions: where you are signed in', icon: 'monitor' },
  { kind: 'password', label: 'Change password', title: 'Change password', icon: 'key' },
] as const;

/** The top of the sidebar: who is signed in, whether they are online, and the app's toggles. */
export function ProfileBar({
  onSignOut,
  onOpenDialog,
}: {
  onSignOut(): void;
  /** The account's dialogs; `settings` for admins (who may come in; the server refuses others). */
  onOpenDialog(kind: 'settings' | (typeof ACCOUNT_DIALOGS)[number]['kind']): void;
}) {
  const me = useChatSelector((s) => s.me);
  const online = useChatSelector((s) => s.connection === 'online');
  const [theme, setThemeState] = useState<Theme>(currentTheme);
  return (
    <header className="profile">
      <span className={online ? 'dot online' : 'dot'} aria-hidden="true" />
      <div className="profile-name">
        <strong title={me.username}>{me.username}</strong>
        <span className="muted small">
          {me.guest ? 'guest' : online ? 'online' : 'offline'}
          {(me.role === 'admin' || me.role === 'moderator') && (
            <span className="role-badge" title={ROLE_TITLES[me.role]}>
              {me.role}
            </span>
          )}
        </span>
      </div>
      <NotificationToggle />
      {me.role === 'admin' && (
        <button
          type="button"
          className="icon-button"
          aria-label="Settings & invites"
          title="Settings & invites"
          onClick={() => onOpenDialog('settings')}
        >
          <Icon name="settings" />
        </button>
      )}
      {/*
        Guests have no password: they cannot sign back in at all, so their one session is the
        browser they are using — a list of one with nothing to sign out. They get neither.
      */}
      {!me.guest &&
        ACCOUNT_DIALOGS.map(({ kind, label, title, icon }) => (
          <button
            key={kind}
            type="button"
            className="icon-button"
            aria-label={label}
            title={title}
            onClick={() => onOpenDialog(kind)}
          >
            <Icon name={icon} />
          </button>
        ))}
      <button
        type="button"
        className="icon-button"
        aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
        title="Toggle theme"
        onClick={() => {
          const next = theme === 'dark' ? 'light' : 'dark';
          setTheme(next);
          setThemeState(next);
        }}
      >
        <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Sign out"
        title="Sign out"
        onClick={onSignOut}
      >
        <Icon name="power" />
      </button>
    </header>
  );
}
