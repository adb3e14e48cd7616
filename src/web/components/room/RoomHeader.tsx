import { useChatClient } from '../../hooks/ChatContext.js';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import { leaveQuestion } from '../../lib/leave-question.js';
import { roomTitle } from '../../lib/rooms.js';
import { formatLastSeen } from '../../lib/time.js';
import { useConfirm } from '../dialogs/ConfirmContext.js';
import { Icon } from '../Icon.js';

const KIND_LABEL = {
  channel: 'Channel',
  dm: 'Direct message',
  group: 'Group',
  code: 'Code room',
  match: 'Random chat',
} as const;

/** The room's name, what kind it is, who is online, and the members and leave buttons. */
export function RoomHeader({
  roomId,
  showMembers,
  onToggleMembers,
  onOpenSidebar,
  onOpenSearch,
}: {
  roomId: string;
  showMembers: boolean;
  onToggleMembers(): void;
  onOpenSidebar: (() => void) | undefined;
  onOpenSearch(): void;
}) {
  const client = useChatClient();
  const confirm = useConfirm();
  const room = useChatSelector((s) => s.rooms[roomId]?.room);
  const online = useChatSelector((s) => s.members[roomId]?.filter((m) => m.online).length);
  const peerPresence = useChatSelector((s) => {
    const peer = s.rooms[roomId]?.room.peer;
    return peer ? s.presence[peer.id] : undefined;
  });
  if (!room) return null;
  return (
    <header className="room-header">
      {onOpenSidebar && (
        <button
          type="button"
          className="icon-button"
          aria-label="Open sidebar"
          data-drawer-toggle
          onClick={onOpenSidebar}
        >
          <Icon name="menu" />
        </button>
      )}
      <div className="room-title">
        <h1>{roomTitle(room)}</h1>
        <p className="muted small">
          {KIND_LABEL[room.kind]}
          {room.peer
            ? ` · ${peerPresence?.online ? 'online' : formatLastSeen(peerPresence?.lastSeenAt ?? null)}`
            : ` · ${room.memberCount} ${room.memberCount === 1 ? 'member' : 'members'}${online !== undefined ? `, ${online} online` : ''}`}
          {room.kind === 'code' && room.code && (
            <>
              {' · code '}
              <button
                type="button"
                className="link-button code"
                title="Copy code"
                onClick={() => navigator.clipboard?.writeText(room.code!)}
              >
                {room.code}
              </button>
            </>
          )}
        </p>
      </div>
      <div className="room-actions">
        <button
          type="button"
          className="icon-button"
          aria-label="Search messages"
          aria-keyshortcuts="/"
          title="Search messages (/)"
          onClick={onOpenSearch}
        >
          <Icon name="search" />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label="Members"
          aria-expanded={showMembers}
          aria-controls="members-panel"
          onClick={onToggleMembers}
        >
          <Icon name="users" />
        </button>
        {room.kind !== 'dm' && (
          <button
            type="button"
            className="ghost small"
            onClick={async () => {
              const question = leaveQuestion(room);
              if (question && (await confirm(question))) void client.leave(room.id);
            }}
          >
            {room.kind === 'match' ? 'End chat' : 'Leave'}
          </button>
        )}
      </div>
    </header>
  );
}
