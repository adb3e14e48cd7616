import { useEffect, useRef, useState } from 'react';
import type { Message } from '../../../shared/protocol.js';
import { useChatClient } from '../../hooks/ChatContext.js';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import type { OutboxItem } from '../../state/outbox.js';
import { messagesIn } from '../../state/selectors.js';
import { finishedUploads, useUploads } from './useUploads.js';

/**
 * What the room's composer is working on — the reply, the message being edited, the files in
 * the tray, a refused message handed back — and the ways to change it. It lives at the room,
 * not in the composer, because the message list starts replies and edits and the whole room
 * takes dropped files. The draft is saved on every change and restored when the room opens.
 */
export function useComposeState(roomId: string) {
  const client = useChatClient();
  const messages = useChatSelector((s) => messagesIn(s, roomId));
  // The composer starts from the room's saved draft, and every change to it is saved again.
  const [draft] = useState(() => client.drafts.get(roomId));
  const [replyTo, setReplyTo] = useState<Message | null>(() =>
    draft?.replyTo ? (messages.find((m) => m.id === draft.replyTo!.id) ?? draft.replyTo) : null,
  );
  const [editing, setEditing] = useState<Message | null>(null);
  const [restored, setRestored] = useState<{ text: string } | null>(null);
  const uploads = useUploads(
    draft?.attachments ? { attachments: draft.attachments, heldSince: draft.savedAt } : undefined,
  );
  const draftText = useRef(draft?.text ?? '');
  const saveDraft = () =>
    client.drafts.set(roomId, {
      text: draftText.current,
      ...(replyTo ? { replyTo } : {}),
      ...(uploads.ready ? { attachments: finishedUploads(uploads.drafts) } : {}),
    });
  // biome-ignore lint/correctness/useExhaustiveDependencies: saves when the reply or the files change; text changes save through textChanged
  useEffect(saveDraft, [replyTo, uploads.drafts]);
  // A quoted message deleted meanwhile (the loaded history reaches back to it and it is not
  // there) can no longer be replied to: the server would refuse the message.
  useEffect(() => {
    const oldest = messages[0];
    if (!replyTo || !oldest || oldest.seq > replyTo.seq) return;
    if (!messages.some((m) => m.id === replyTo.id)) setReplyTo(null);
  }, [replyTo, messages]);

  return {
    roomId,
    /** The room's saved draft text, the box's text when it first shows. */
    initialText: draft?.text ?? '',
    replyTo,
    editing,
    /** Text handed back to the box: a refused message being redone. A new object each time. */
    restored,
    uploads,
    startReply(message: Message) {
      setEditing(null);
      setReplyTo(message);
    },
    // The reply being written waits, hidden, while a sent message is edited.
    startEdit(message: Message) {
      setEditing(message);
    },
    /** Escape or ✕: leaves the edit if there is one, else drops the reply. */
    cancel() {
      if (editing) setEditing(null);
      else setReplyTo(null);
    },
    send(text: string) {
      client.send(roomId, text, replyTo?.id, uploads.take());
      setReplyTo(null);
    },
    saveEdit(message: Message, text: string): Promise<boolean> {
      return client.edit(message.id, text);
    },
    setTyping(typing: boolean) {
      client.setTyping(roomId, typing);
    },
    /** What the user is writing changed (not while editing a sent message): saved as the draft. */
    textChanged(text: string) {
      draftText.current = text;
      saveDraft();
    },
    /**
     * A refused message back into the composer. Out of the outbox first, so it cannot be
     * retried behind the user's back; the quoted message comes back only if it is still there
     * (its deletion may be why it was refused). A reply the composer already holds stays: it
     * can hold only one.
     */
    takeBack(item: OutboxItem) {
      client.discard(item.clientMsgId);
      setEditing(null);
      const quoted = messages.find((m) => m.id === item.replyTo);
      setReplyTo((current) => current ?? quoted ?? null);
      uploads.restore(item.attachments ?? [], item.createdAt);
      setRestored({ text: item.text });
    },
  };
}

export type ComposeState = ReturnType<typeof useComposeState>;
