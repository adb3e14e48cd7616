import { useEffect, useMemo, useRef, useState } from 'react';
import { useChatClient } from '../../hooks/ChatContext.js';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import { roomTitle } from '../../lib/rooms.js';
import { ComposeContext } from '../composer/ComposeContext.js';
import { Composer } from '../composer/Composer.js';
import { useComposeState } from '../composer/useComposeState.js';
import { useConfirm } from '../dialogs/ConfirmContext.js';
import { LightboxProvider } from '../messages/Attachments.js';
import type { MessageActions } from '../messages/MessageItem.js';
import { MessageList } from '../messages/MessageList.js';
import type { PendingActions } from '../messages/PendingItem.js';
import { MembersPanel } from './MembersPanel.js';
import { NewMessageAnnouncer } from './NewMessageAnnouncer.js';
import { PostingBlocked, usePostingBlock } from './PostingBlocked.js';
import { RoomHeader } from './RoomHeader.js';
import { TypingIndicator } from './TypingIndicator.js';

const MEMBERS_REFRESH_MS = 30_000;

/**
 * The open room: header, messages, typing notice, composer and (on request) its members. Each
 * part selects its own slice of the state, so this shell re-renders only when the room's
 * title or messages change, or its own state (the drop overlay, the reply) does.
 */
export function RoomView({
  roomId,
  onOpenSidebar,
  onOpenSearch,
}: {
  roomId: string;
  onOpenSidebar: (() => void) | undefined;
  onOpenSearch(): void;
}) {
  const client = useChatClient();
  const confirm = useConfirm();
  const postingBlock = usePostingBlock(roomId);
  const title = useChatSelector((s) => {
    const room = s.rooms[roomId]?.room;
    return room ? roomTitle(room) : '';
  });
  const compose = useComposeState(roomId);
  const [showMembers, setShowMembers] = useState(false);
  const [dragging, setDragging] = useState(false);
  // Large channels get no presence pushes (docs/protocol.md §7): refresh while the list is open.
  useEffect(() => {
    if (!showMembers) return;
    void client.loadMembers(roomId);
    const timer = setInterval(() => void client.loadMembers(roomId), MEMBERS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [client, roomId, showMembers]);

  // The list's callbacks stay the same objects across renders (the list is memoized); they
  // reach the composer's state as it is when they are called.
  const latest = useRef(compose);
  latest.current = compose;
  const actions: MessageActions = useMemo(
    () => ({
      reply: (message) => latest.current.startReply(message),
      edit: (message) => latest.current.startEdit(message),
      remove: async (message) => {
        const question = {
          title: 'Delete this message for everyone?',
          body: 'It disappears for everyone in the room. This cannot be undone.',
          confirmLabel: 'Delete',
        };
        if (await confirm(question)) void client.remove(message.id);
      },
      react: (message, emoji) => void client.react(message.id, emoji),
    }),
    [client, confirm],
  );
  const pendingActions: PendingActions = useMemo(
    () => ({
      retry: (item) => client.retry(item.clientMsgId),
      discard: (item) => client.discard(item.clientMsgId),
      edit: (item) => latest.current.takeBack(item),
    }),
    [client],
  );
  const { uploads } = compose;

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
      <RoomHeader
        roomId={roomId}
        showMembers={showMembers}
        onToggleMembers={() => setShowMembers((s) => !s)}
        onOpenSidebar={onOpenSidebar}
        onOpenSearch={onOpenSearch}
      />
      <LightboxProvider>
        <div className="room-body">
          <div className="conversation">
            <MessageList roomId={roomId} actions={actions} pendingActions={pendingActions} />
            <NewMessageAnnouncer roomId={roomId} />
            <TypingIndicator roomId={roomId} />
            {postingBlock ? (
              <PostingBlocked reason={postingBlock} />
            ) : (
              <ComposeContext.Provider value={compose}>
                <Composer />
              </ComposeContext.Provider>
            )}
          </div>
          {showMembers && <MembersPanel roomId={roomId} />}
        </div>
      </LightboxProvider>
    </main>
  );
}
