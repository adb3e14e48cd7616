import { useEffect, useMemo, useState } from 'react';
import type { Message, MyRoom, PublicUser } from '../../shared/protocol.js';
import { logout } from '../api/auth.js';
import { useChat, useMediaQuery } from '../lib/hooks.js';
import { mentions } from '../lib/mentions.js';
import { roomTitle } from '../lib/rooms.js';
import { isSwitcherShortcut } from '../lib/shortcuts.js';
import { currentTheme, setTheme, type Theme } from '../lib/theme.js';
import { ChatClient, totalUnread } from '../state/client.js';
import { DialogHost } from './dialogs/DialogHost.js';
import type { DialogKind } from './dialogs/kinds.js';
import { Icon } from './Icon.js';
import { RoomView } from './RoomView.js';
import { Sidebar } from './Sidebar.js';

const NOTIFY_KEY = 'parley:notifications';

export function ChatApp({ me, onSignedOut }: { me: PublicUser; onSignedOut(): void }) {
  const client = useMemo(
    () =>
      new ChatClient({
        me,
        storage: window.localStorage,
        onUnauthorized: onSignedOut,
        isVisible: () => document.visibilityState === 'visible',
        onIncoming: (message, room) => showNotification(me, message, room),
      }),
    [me, onSignedOut],
  );
  const state = useChat(client);
  const [dialog, setDialog] = useState<DialogKind | null>(null);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [theme, setThemeState] = useState<Theme>(currentTheme);
  const isPhone = useMediaQuery('(max-width: 760px)');

  useEffect(() => {
    client.start();
    return () => client.stop();
  }, [client]);

  // Share links: /#/code/ABC123 joins the room once signed in.
  useEffect(() => {
    const joinFromHash = () => {
      const match = /^#\/code\/([A-Za-z0-9-]{4,12})$/.exec(location.hash);
      if (!match || state.connection !== 'online') return;
      history.replaceState(null, '', location.pathname + location.search);
      void client.joinCode(match[1]!);
    };
    joinFromHash();
    window.addEventListener('hashchange', joinFromHash);
    return () => window.removeEventListener('hashchange', joinFromHash);
  }, [client, state.connection]);

  // The quick switcher opens from anywhere, as in most chat apps.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isSwitcherShortcut(e)) return;
      e.preventDefault();
      // Not over another dialog: what was typed there would be lost.
      setDialog((open) => open ?? 'switch');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  // Opening a room from anywhere (the switcher, a dialog) closes the phone's drawer.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the open room changes
  useEffect(() => setDrawerOpen(false), [state.activeRoomId]);

  const unread = totalUnread(state);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Parley` : 'Parley';
  }, [unread]);

  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') client.markVisibleRead();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [client]);

  // Open #general (or the first room) when nothing is selected.
  useEffect(() => {
    if (state.activeRoomId || isPhone) return;
    const views = Object.values(state.rooms);
    const first = views.find((v) => v.room.kind === 'channel' && v.room.name === 'general') ?? views[0];
    if (first) client.selectRoom(first.room.id);
  }, [client, state.activeRoomId, state.rooms, isPhone]);

  const active = state.activeRoomId ? state.rooms[state.activeRoomId] : undefined;
  const showSidebar = !isPhone || drawerOpen || !active;

  async function signOut() {
    client.stop();
    await logout().catch(() => {});
    onSignedOut();
  }

  return (
    <div className={`app${isPhone ? ' phone' : ''}`}>
      {state.connection !== 'online' && (
        <div className="connection-banner" role="status">
          {state.connection === 'connecting' ? 'Connecting…' : 'Connection lost — reconnecting…'}
          {state.outbox.some((o) => o.status !== 'failed') &&
            ' Your messages will be sent when you are back.'}
        </div>
      )}
      {showSidebar && (
        <>
          {isPhone && active && (
            <button
              type="button"
              className="drawer-scrim"
              aria-label="Close sidebar"
              onClick={() => setDrawerOpen(false)}
            />
          )}
          <aside className={`sidebar${isPhone && active ? ' drawer' : ''}`} aria-label="Sidebar">
            <header className="profile">
              <span className={state.connection === 'online' ? 'dot online' : 'dot'} aria-hidden="true" />
              <div className="profile-name">
                <strong>{me.username}</strong>
                <span className="muted small">
                  {me.guest ? 'guest' : state.connection === 'online' ? 'online' : 'offline'}
                </span>
              </div>
              <NotificationToggle />
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
                onClick={signOut}
              >
                <Icon name="power" />
              </button>
            </header>
            <Sidebar
              client={client}
              state={state}
              onOpenDialog={setDialog}
              onNavigate={() => setDrawerOpen(false)}
            />
          </aside>
        </>
      )}
      {active ? (
        <RoomView
          key={active.room.id}
          client={client}
          state={state}
          view={active}
          onOpenSidebar={isPhone ? () => setDrawerOpen(true) : undefined}
        />
      ) : (
        !isPhone && (
          <main className="room empty-room">
            <p>Pick a room on the left, or start something new.</p>
          </main>
        )
      )}
      {dialog && (
        <DialogHost
          kind={dialog}
          client={client}
          onClose={() => setDialog(null)}
          onNavigate={() => setDrawerOpen(false)}
        />
      )}
      {state.notice && (
        <div
          className={`toast ${state.notice.tone}`}
          role={state.notice.tone === 'error' ? 'alert' : 'status'}
        >
          {state.notice.text}
        </div>
      )}
    </div>
  );
}

function NotificationToggle() {
  const supported = typeof Notification !== 'undefined';
  const [enabled, setEnabled] = useState(
    () => supported && localStorage.getItem(NOTIFY_KEY) === 'on' && Notification.permission === 'granted',
  );
  if (!supported) return null;
  return (
    <button
      type="button"
      className="icon-button"
      aria-pressed={enabled}
      aria-label={enabled ? 'Turn off notifications' : 'Turn on notifications'}
      title={enabled ? 'Notifications on' : 'Notifications off'}
      onClick={async () => {
        if (enabled) {
          localStorage.setItem(NOTIFY_KEY, 'off');
          setEnabled(false);
          return;
        }
        const permission = await Notification.requestPermission();
        const on = permission === 'granted';
        localStorage.setItem(NOTIFY_KEY, on ? 'on' : 'off');
        setEnabled(on);
      }}
    >
      <Icon name={enabled ? 'bell' : 'bellOff'} />
    </button>
  );
}

/** DMs, matches and mentions notify while the tab is hidden, if the user opted in. */
function showNotification(me: PublicUser, message: Message, room: MyRoom): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (localStorage.getItem(NOTIFY_KEY) !== 'on' || document.visibilityState === 'visible') return;
  const direct = room.kind === 'dm' || room.kind === 'match';
  if (!direct && !mentions(message.text, me.username)) return;
  const from = message.author?.username ?? 'Someone';
  new Notification(direct ? from : `${from} in ${roomTitle(room)}`, {
    body: message.text.slice(0, 160),
    tag: room.id,
  });
}
