import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Self } from '../../shared/protocol.js';
import { ChatProvider, useChatClient } from '../hooks/ChatContext.js';
import { useChatSelector } from '../hooks/useChatSelector.js';
import { useEscapeClosesDrawer } from '../hooks/useEscapeClosesDrawer.js';
import { useHelpShortcut } from '../hooks/useHelpShortcut.js';
import { useMediaQuery } from '../hooks/useMediaQuery.js';
import { useRoomRoute } from '../hooks/useRoomRoute.js';
import { focusComposer } from '../lib/focus.js';
import { showNotification } from '../lib/notifications.js';
import { isSearchShortcut, isSwitcherShortcut } from '../lib/shortcuts.js';
import { ChatClient } from '../state/client.js';
import { openRoomId, totalUnread } from '../state/selectors.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { ConfirmProvider } from './dialogs/ConfirmContext.js';
import { DialogHost } from './dialogs/DialogHost.js';
import type { DialogKind } from './dialogs/kinds.js';
import { ProfileBar } from './ProfileBar.js';
import { RoomView } from './room/RoomView.js';
import { Sidebar } from './Sidebar.js';
import { SkipLink } from './SkipLink.js';
import { SearchPanel } from './search/SearchPanel.js';
import { useSearch } from './search/useSearch.js';
import { Toast } from './Toast.js';
import { useSignOut } from './useSignOut.js';

/** The signed-in app: one client for the session, shared with every component below. */
export function ChatApp({ me, onSignedOut }: { me: Self; onSignedOut(): void }) {
  const client = useMemo(
    () =>
      new ChatClient({
        me,
        storage: window.localStorage,
        onUnauthorized: onSignedOut,
        isVisible: () => document.visibilityState === 'visible',
        listReportsReads: true,
        onIncoming: (message, room) => showNotification(me, message, room),
      }),
    [me, onSignedOut],
  );
  useEffect(() => {
    client.start();
    return () => client.stop();
  }, [client]);
  return (
    <ChatProvider client={client}>
      <ConfirmProvider>
        <ChatLayout me={me} onSignedOut={onSignedOut} />
      </ConfirmProvider>
    </ChatProvider>
  );
}

function ChatLayout({ me, onSignedOut }: { me: Self; onSignedOut(): void }) {
  const client = useChatClient();
  const connection = useChatSelector((s) => s.connection);
  const activeRoomId = useChatSelector((s) => s.activeRoomId);
  const openId = useChatSelector(openRoomId);
  const unread = useChatSelector(totalUnread);
  const notice = useChatSelector((s) => s.notice);
  const [dialog, setDialog] = useState<DialogKind | null>(null);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const isPhone = useMediaQuery('(max-width: 760px)');

  // Search: its state lives here, not in the room (RoomView is keyed by room), so the panel
  // stays open, with its results, while jumping between results in different rooms.
  const search = useSearch(window.localStorage, me.id);
  const [searchOpen, setSearchOpen] = useState(false);
  const searchField = useRef<HTMLInputElement | null>(null);
  const searchReturnTo = useRef<HTMLElement | null>(null);
  const openSearch = useCallback(() => {
    const active = document.activeElement;
    if (active instanceof HTMLElement && active !== searchField.current && active !== document.body)
      searchReturnTo.current = active;
    setSearchOpen(true);
    // Once rendered: the field takes the focus, what it holds selected to type over.
    requestAnimationFrame(() => {
      searchField.current?.focus();
      searchField.current?.select();
    });
  }, []);
  const closeSearch = useCallback(() => {
    setSearchOpen(false);
    const back = searchReturnTo.current;
    searchReturnTo.current = null;
    requestAnimationFrame(() => {
      if (back?.isConnected) back.focus();
      else focusComposer();
    });
  }, []);
  // On a phone the panel covers the room: jumping to a result closes it to show the message
  // (opening it again shows the same results).
  const onJumped = useCallback(() => {
    if (isPhone) setSearchOpen(false);
  }, [isPhone]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || !isSearchShortcut(e) || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      openSearch();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openSearch]);

  // Share links: /#/code/ABC123 joins the room once signed in.
  useEffect(() => {
    const joinFromHash = () => {
      const match = /^#\/code\/([A-Za-z0-9-]{4,12})$/.exec(location.hash);
      if (!match || connection !== 'online') return;
      history.replaceState(null, '', location.pathname + location.search);
      void client.joinCode(match[1]!);
    };
    joinFromHash();
    window.addEventListener('hashchange', joinFromHash);
    return () => window.removeEventListener('hashchange', joinFromHash);
  }, [client, connection]);

  // The quick switcher opens from anywhere, as in most chat apps.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isSwitcherShortcut(e)) return;
      e.preventDefault();
      // Not over another dialog: what was typed there would be lost, and a question (Leave?
      // Delete?) must be answered in the room it was asked in, not after switching away.
      if (document.querySelector('dialog[open]')) return;
      setDialog((open) => open ?? 'switch');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  // Opening a room from anywhere (the switcher, a dialog) closes the phone's drawer.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the open room changes
  useEffect(() => setDrawerOpen(false), [activeRoomId]);

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

  // The address bar follows the open room, and opens the room it names (#general otherwise).
  useRoomRoute(isPhone);

  useHelpShortcut(useCallback(() => setDialog((open) => open ?? 'shortcuts'), []));
  useEscapeClosesDrawer(
    drawerOpen,
    useCallback(() => setDrawerOpen(false), []),
  );
  const signOut = useSignOut(onSignedOut);

  const showSidebar = !isPhone || drawerOpen || !openId;

  return (
    <div className={`app${isPhone ? ' phone' : ''}${searchOpen ? ' search-open' : ''}`}>
      {openId && <SkipLink />}
      <ConnectionBanner />
      {showSidebar && (
        <>
          {isPhone && openId && (
            <button
              type="button"
              className="drawer-scrim"
              aria-label="Close sidebar"
              onClick={() => setDrawerOpen(false)}
            />
          )}
          <aside className={`sidebar${isPhone && openId ? ' drawer' : ''}`} aria-label="Sidebar">
            <ProfileBar onSignOut={signOut} onOpenDialog={setDialog} />
            <Sidebar onOpenDialog={setDialog} onNavigate={() => setDrawerOpen(false)} />
          </aside>
        </>
      )}
      {openId ? (
        <RoomView
          key={openId}
          roomId={openId}
          onOpenSidebar={isPhone ? () => setDrawerOpen(true) : undefined}
          onOpenSearch={openSearch}
        />
      ) : (
        !isPhone && (
          <main className="room empty-room">
            <p>Pick a room on the left, or start something new.</p>
          </main>
        )
      )}
      {searchOpen && (
        <SearchPanel search={search} inputRef={searchField} onClose={closeSearch} onJumped={onJumped} />
      )}
      {dialog && (
        <DialogHost kind={dialog} onClose={() => setDialog(null)} onNavigate={() => setDrawerOpen(false)} />
      )}
      {notice && <Toast key={notice.id} notice={notice} />}
    </div>
  );
}
