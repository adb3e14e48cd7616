import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Member, Message } from '../../shared/protocol.js';
import { roomTitle } from '../lib/rooms.js';
import { formatLastSeen } from '../lib/time.js';
import type { ChatClient, ChatState } from '../state/client.js';
import type { RoomView as RoomViewState } from '../state/log.js';
import { LightboxProvider } from './Attachments.js';
import { Composer } from './Composer.js';
import { Icon } from './Icon.js';
import type { MessageActions, PendingActions } from './MessageItem.js';
import { MessageList } from './MessageList.js';
import { UserPicker } from './UserPicker.js';
import { finishedUploads, useUploads } from './useUploads.js';

const KIND_LABEL = {
  channel: 'Channel',
  dm: 'Direct message',
  group: 'Group',
  code: 'Code room',
  match: 'Random chat',
} as const;

export function RoomView({
  client,
  state,
  view,
  onOpenSidebar,
}: {
  client: ChatClient;
  state: ChatState;
  view: RoomViewState;
  onOpenSidebar: (() => void) | undefined;
}) {
  const { room } = view;
  const { me } = state;
  // The composer starts from the room's saved draft, and every change to it is saved again.
  const [draft] = useState(() => client.drafts.get(room.id));
  const [replyTo, setReplyTo] = useState<Message | null>(() =>
    draft?.replyTo ? (view.messages.find((m) => m.id === draft.replyTo!.id) ?? draft.replyTo) : null,
  );
  const [editing, setEditing] = useState<Message | null>(null);
  const [restored, setRestored] = useState<{ text: string } | null>(null);
  const [showMembers, setShowMembers] = useState(false);
  const uploads = useUploads(
    draft?.attachments ? { attachments: draft.attachments, heldSince: draft.savedAt } : undefined,
  );
  const draftText = useRef(draft?.text ?? '');
  const saveDraft = () =>
    client.drafts.set(room.id, {
      text: draftText.current,
      ...(replyTo ? { replyTo } : {}),
      ...(uploads.ready ? { attachments: finishedUploads(uploads.drafts) } : {}),
    });
  // biome-ignore lint/correctness/useExhaustiveDependencies: saves when the reply or the files change; text changes save through onTextChange
  useEffect(saveDraft, [replyTo, uploads.drafts]);
  // A quoted message deleted meanwhile (the loaded history reaches back to it and it is not
  // there) can no longer be replied to: the server would refuse the message.
  useEffect(() => {
    const oldest = view.messages[0];
    if (!replyTo || !oldest || oldest.seq > replyTo.seq) return;
    if (!view.messages.some((m) => m.id === replyTo.id)) setReplyTo(null);
  }, [replyTo, view.messages]);
  // Large channels get no presence pushes (docs/protocol.md §7): refresh while the list is open.
  useEffect(() => {
    if (!showMembers) return;
    void client.loadMembers(room.id);
    const timer = setInterval(() => void client.loadMembers(room.id), 30_000);
    return () => clearInterval(timer);
  }, [client, room.id, showMembers]);
  const [dragging, setDragging] = useState(false);
  const members = state.members[room.id];
  const title = roomTitle(room);
  const pending = useMemo(() => state.outbox.filter((o) => o.roomId === room.id), [state.outbox, room.id]);
  const typingNames = Object.keys(state.typing[room.id] ?? {})
    .map(
      (id) =>
        members?.find((m) => m.id === id)?.username ??
        (room.peer?.id === id ? room.peer.username : 'Someone'),
    )
    .sort();
  const online = members?.filter((m) => m.online).length;
  const peerPresence = room.peer ? state.presence[room.peer.id] : undefined;
  const isOwner = room.ownerId === me.id;
  const lastOwnMessage = useMemo(
    () => [...view.messages].reverse().find((m) => m.kind === 'user' && m.author?.id === me.id),
    [view.messages, me.id],
  );

  const actions: MessageActions = useMemo(
    () => ({
      reply: (message) => {
        setEditing(null);
        setReplyTo(message);
      },
      // The reply being written waits, hidden, while a sent message is edited.
      edit: (message) => setEditing(message),
      remove: (message) => {
        if (window.confirm('Delete this message for everyone?')) void client.remove(message.id);
      },
      react: (message, emoji) => void client.react(message.id, emoji),
    }),
    [client],
  );
  const pendingActions: PendingActions = {
    retry: (item) => client.retry(item.clientMsgId),
    discard: (item) => client.discard(item.clientMsgId),
    edit: (item) => {
      // Out of the outbox first, so it cannot be retried behind the user's back; the quoted
      // message comes back only if it is still there (its deletion may be why it was refused).
      // A reply the composer already holds stays: it can hold only one.
      client.discard(item.clientMsgId);
      setEditing(null);
      const quoted = view.messages.find((m) => m.id === item.replyTo);
      setReplyTo((current) => current ?? quoted ?? null);
      uploads.restore(item.attachments ?? [], item.createdAt);
      setRestored({ text: item.text });
    },
  };
  const loadOlder = useCallback(() => void client.loadOlder(room.id), [client, room.id]);
  const newest = view.messages.at(-1);
  const announcement =
    newest && newest.kind === 'user' && newest.author?.id !== me.id
      ? `${newest.author?.username ?? 'Someone'}: ${newest.text.slice(0, 200)}${newest.attachments.length ? ` (${newest.attachments.length} attachment${newest.attachments.length === 1 ? '' : 's'})` : ''}`
      : '';

  return (
    <main
      className="room"
      aria-label={title}
      onDragEnter={(e) => {
        if (e.dataTransfer.types.includes('Files')) setDragging(true);
      }}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) e.preventDefault();
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target || !e.currentTarget.contains(e.relatedTarget as Node))
          setDragging(false);
      }}
      onDrop={(e) => {
        if (e.dataTransfer.files.length === 0) return;
        e.preventDefault();
        setDragging(false);
        void uploads.add([...e.dataTransfer.files]);
      }}
    >
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop files to share them in {title}
        </div>
      )}
      <header className="room-header">
        {onOpenSidebar && (
          <button type="button" className="icon-button" aria-label="Open sidebar" onClick={onOpenSidebar}>
            <Icon name="menu" />
          </button>
        )}
        <div className="room-title">
          <h1>{title}</h1>
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
            aria-label="Members"
            aria-expanded={showMembers}
            aria-controls="members-panel"
            onClick={() => setShowMembers((s) => !s)}
          >
            <Icon name="users" />
          </button>
          {room.kind !== 'dm' && (
            <button
              type="button"
              className="ghost small"
              onClick={() => {
                if (room.kind !== 'match' || window.confirm('End this chat?')) void client.leave(room.id);
              }}
            >
              {room.kind === 'match' ? 'End chat' : 'Leave'}
            </button>
          )}
        </div>
      </header>
      <LightboxProvider>
        <div className="room-body">
          <div className="conversation">
            <MessageList
              messages={view.messages}
              pending={pending}
              meId={me.id}
              meName={me.username}
              isOwner={isOwner}
              members={members}
              dividerSeq={state.dividerSeq}
              hasOlder={view.hasOlder && view.historyLoaded}
              onLoadOlder={loadOlder}
              actions={actions}
              pendingActions={pendingActions}
            />
            <div className="visually-hidden" role="status" aria-live="polite">
              {announcement}
            </div>
            <div className="typing-indicator" aria-live="polite">
              {typingNames.length > 0 &&
                `${typingNames.length > 2 ? 'Several people are' : `${typingNames.join(' and ')} ${typingNames.length === 1 ? 'is' : 'are'}`} typing…`}
            </div>
            <Composer
              roomName={title}
              meId={me.id}
              members={members}
              replyTo={replyTo}
              editing={editing}
              initialText={draft?.text ?? ''}
              restored={restored}
              lastOwnMessage={lastOwnMessage}
              uploads={uploads}
              onSend={(text) => {
                client.send(room.id, text, replyTo?.id, uploads.take());
                setReplyTo(null);
              }}
              onEdit={(message, text) => client.edit(message.id, text)}
              onCancel={() => (editing ? setEditing(null) : setReplyTo(null))}
              onStartEdit={(message) => setEditing(message)}
              onTyping={(typing) => client.setTyping(room.id, typing)}
              onTextChange={(text) => {
                draftText.current = text;
                saveDraft();
              }}
            />
          </div>
          {showMembers && (
            <MembersPanel
              client={client}
              roomId={room.id}
              members={members}
              meId={me.id}
              canManage={room.kind === 'group' && isOwner}
            />
          )}
        </div>
      </LightboxProvider>
    </main>
  );
}

function MembersPanel({
  client,
  roomId,
  members,
  meId,
  canManage,
}: {
  client: ChatClient;
  roomId: string;
  members: Member[] | undefined;
  meId: string;
  canManage: boolean;
}) {
  const [adding, setAdding] = useState(false);
  const sorted = [...(members ?? [])].sort(
    (a, b) => Number(b.online) - Number(a.online) || a.username.localeCompare(b.username),
  );
  return (
    <aside className="members-panel" id="members-panel" aria-label="Members">
      <h2>
        Members <span className="muted">({sorted.filter((m) => m.online).length} online)</span>
      </h2>
      <ul>
        {sorted.map((m) => (
          <li key={m.id} className="member">
            <span className={m.online ? 'dot online' : 'dot'} aria-hidden="true" />
            <span className="member-name">
              {m.username}
              {m.id === meId && <span className="muted"> (you)</span>}
            </span>
            {m.role === 'owner' && <span className="tag">owner</span>}
            <span className="visually-hidden">{m.online ? 'online' : formatLastSeen(m.lastSeenAt)}</span>
            {canManage && m.id !== meId && (
              <button
                type="button"
                className="icon-button small"
                aria-label={`Remove ${m.username}`}
                onClick={() => client.removeMember(roomId, m.id)}
              >
                ✕
              </button>
            )}
          </li>
        ))}
      </ul>
      {canManage &&
        (adding ? (
          <UserPicker
            client={client}
            label="Add a member"
            exclude={sorted.map((m) => m.id)}
            onPick={async (user) => {
              await client.addMember(roomId, user.id);
              setAdding(false);
            }}
          />
        ) : (
          <button type="button" className="ghost small" onClick={() => setAdding(true)}>
            + Add member
          </button>
        ))}
    </aside>
  );
}
