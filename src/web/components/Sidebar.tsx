import type { RoomKind, SelfRights } from '../../shared/protocol.js';
import { useChatClient } from '../hooks/ChatContext.js';
import { useChatSelector } from '../hooks/useChatSelector.js';
import { roomIcon, roomLabel, roomTitle, unreadBadge } from '../lib/rooms.js';
import { SWITCHER_SHORTCUT } from '../lib/shortcuts.js';
import type { RoomView } from '../state/log.js';
import type { DialogKind } from './dialogs/kinds.js';
import { Icon, type IconName } from './Icon.js';

interface Section {
  title: string;
  kinds: RoomKind[];
  /** `needs`: offered only when the server says the user may (guests, by the settings). */
  actions: { label: string; dialog: DialogKind; icon: IconName; needs?: keyof SelfRights }[];
  empty: string;
}

const SECTIONS: Section[] = [
  {
    title: 'Channels',
    kinds: ['channel'],
    actions: [
      { label: 'Browse channels', dialog: 'browse', icon: 'search' },
      { label: 'New channel', dialog: 'channel', icon: 'plus', needs: 'createRoom' },
    ],
    empty: 'No channels yet',
  },
  {
    title: 'Direct messages',
    kinds: ['dm', 'match'],
    actions: [{ label: 'New direct message', dialog: 'dm', icon: 'plus', needs: 'openDm' }],
    empty: 'Start a conversation',
  },
  {
    title: 'Groups',
    kinds: ['group'],
    actions: [{ label: 'New group', dialog: 'group', icon: 'plus', needs: 'createRoom' }],
    empty: 'No groups yet',
  },
  {
    title: 'Code rooms',
    kinds: ['code'],
    actions: [
      { label: 'Join with a code', dialog: 'join-code', icon: 'login' },
      { label: 'New code room', dialog: 'code', icon: 'plus', needs: 'createRoom' },
    ],
    empty: 'Join one with a code',
  },
];

export function Sidebar({
  onOpenDialog,
  onNavigate,
}: {
  onOpenDialog(kind: DialogKind): void;
  onNavigate(): void;
}) {
  const client = useChatClient();
  const rooms = useChatSelector((s) => s.rooms);
  const activeRoomId = useChatSelector((s) => s.activeRoomId);
  const presence = useChatSelector((s) => s.presence);
  const match = useChatSelector((s) => s.match);
  const views = Object.values(rooms);
  const may = useChatSelector((s) => s.me.may);
  const isStaff = useChatSelector((s) => s.me.role === 'admin' || s.me.role === 'moderator');
  // Server staff, or a room's owner or moderator: they have a report queue to look at.
  const moderatesSomething = useChatSelector(
    (s) =>
      s.me.role === 'admin' ||
      s.me.role === 'moderator' ||
      Object.values(s.rooms).some(
        (v) => v.room.myRole !== 'member' && v.room.kind !== 'dm' && v.room.kind !== 'match',
      ),
  );
  return (
    <nav className="sidebar-rooms" aria-label="Rooms">
      <button type="button" className="jump-button" onClick={() => onOpenDialog('switch')}>
        <Icon name="search" size={15} /> Jump to…
        <kbd aria-label={`shortcut ${SWITCHER_SHORTCUT}`}>{SWITCHER_SHORTCUT}</kbd>
      </button>
      {moderatesSomething && (
        <button type="button" className="jump-button" onClick={() => onOpenDialog('reports')}>
          <Icon name="flag" size={15} /> Reports
        </button>
      )}
      {isStaff && (
        <button type="button" className="jump-button" onClick={() => onOpenDialog('admin')}>
          <Icon name="users" size={15} /> Administration
        </button>
      )}
      {SECTIONS.map((section) => {
        const rooms = views
          .filter((v) => section.kinds.includes(v.room.kind))
          .sort((a, b) => roomTitle(a.room).localeCompare(roomTitle(b.room)));
        return (
          <section key={section.title} className="room-section">
            <header className="section-header">
              <h2>{section.title}</h2>
              <div className="section-actions">
                {section.actions
                  .filter((action) => !action.needs || may[action.needs])
                  .map((action) => (
                    <button
                      key={action.dialog}
                      type="button"
                      className="icon-button small"
                      aria-label={action.label}
                      title={action.label}
                      onClick={() => onOpenDialog(action.dialog)}
                    >
                      <Icon name={action.icon} size={15} />
                    </button>
                  ))}
              </div>
            </header>
            <ul>
              {rooms.map((view) => (
                <RoomLink
                  key={view.room.id}
                  view={view}
                  active={view.room.id === activeRoomId}
                  online={view.room.peer ? presence[view.room.peer.id]?.online : undefined}
                  onSelect={() => {
                    client.selectRoom(view.room.id);
                    onNavigate();
                  }}
                />
              ))}
              {rooms.length === 0 && <li className="muted small empty-line">{section.empty}</li>}
            </ul>
          </section>
        );
      })}
      <section className="room-section">
        <header className="section-header">
          <h2>Random chat</h2>
        </header>
        {match === 'waiting' ? (
          <div className="match-waiting" role="status">
            <span className="spinner" aria-hidden="true" /> Looking for someone…
            <button type="button" className="link-button" onClick={() => client.cancelMatch()}>
              Cancel
            </button>
          </div>
        ) : (
          <button type="button" className="match-button" onClick={() => client.findMatch()}>
            <Icon name="shuffle" size={16} /> Talk to a stranger
          </button>
        )}
      </section>
    </nav>
  );
}

function RoomLink({
  view,
  active,
  online,
  onSelect,
}: {
  view: RoomView;
  active: boolean;
  online: boolean | undefined;
  onSelect(): void;
}) {
  const { room } = view;
  const unread = room.unread;
  return (
    <li>
      <button
        type="button"
        className={`room-link${active ? ' active' : ''}${unread > 0 ? ' unread' : ''}`}
        aria-current={active ? 'page' : undefined}
        onClick={onSelect}
      >
        {online !== undefined ? (
          <span className={online ? 'dot online' : 'dot'} aria-hidden="true" />
        ) : (
          <span className="room-icon">
            <Icon name={roomIcon(room.kind)} size={15} />
          </span>
        )}
        <span className="room-name">{roomLabel(room)}</span>
        {room.kind === 'match' && <span className="tag">random</span>}
        {online !== undefined && <span className="visually-hidden">{online ? ', online' : ', offline'}</span>}
        {unread > 0 && (
          <span className="badge">
            {unreadBadge(unread)}
            <span className="visually-hidden"> unread</span>
          </span>
        )}
      </button>
    </li>
  );
}
