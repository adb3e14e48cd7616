import { useChatSelector } from '../hooks/useChatSelector.js';
import { type AccountDialog, AccountMenu } from './AccountMenu.js';
import { NotificationToggle } from './NotificationToggle.js';

const ROLE_TITLES = {
  admin: 'You run this server: people, rooms and settings',
  moderator: 'You moderate every channel on this server',
} as const;

/**
 * The top of the sidebar: who is signed in, whether they are online, the notification toggle
 * (used often enough to stay one click away) and the account menu for everything else.
 */
export function ProfileBar({
  onSignOut,
  onOpenDialog,
}: {
  onSignOut(): void;
  onOpenDialog(kind: AccountDialog): void;
}) {
  const me = useChatSelector((s) => s.me);
  const online = useChatSelector((s) => s.connection === 'online');
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
      <AccountMenu onSignOut={onSignOut} onOpenDialog={onOpenDialog} />
    </header>
  );
}
