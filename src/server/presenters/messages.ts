import { fileUrl, replyExcerpt, thumbUrl } from '../../shared/format.js';
import { systemLineText } from '../../shared/people.js';
import type { Attachment, Message, PublicUser, Reaction, ReplyPreview } from '../../shared/protocol.js';
import { groupReactions } from '../domain/messages.js';
import type { MessageRow } from '../store/messages.js';
import type { ReactionRow } from '../store/reactions.js';
import type { UploadRow } from '../store/uploads.js';

/** What a message row needs beside itself to be shown: loaded by services/views/messages.ts. */
export interface MessageRelations {
  author: PublicUser | null;
  reply: ReplyPreview | null;
  reactions: Reaction[];
  attachments: Attachment[];
}

export function presentMessage(row: MessageRow, related: MessageRelations): Message {
  return {
    id: row.id,
    roomId: row.room_id,
    seq: row.seq,
    kind: row.kind,
    author: related.author,
    // For clients that print `text` and nothing else (bots, bridges, a terminal): "alice joined".
    // Not stored: built here, where live events and replay both present rows, so they agree.
    text:
      row.kind === 'system' ? systemLineText([related.author?.username ?? 'Someone'], row.system) : row.text,
    system: row.system,
    clientMsgId: row.client_msg_id,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    deletedAt: row.deleted_at,
    replyTo: row.reply_to,
    reply: related.reply,
    reactions: related.reactions,
    // A deleted message's files are no longer shown (nor served: services/media.ts).
    attachments: row.deleted_at === null ? related.attachments : [],
  };
}

/** The quoted message as a reply shows it: an excerpt, or nothing once it was deleted. */
export const presentReply = (quoted: MessageRow, author: PublicUser | null): ReplyPreview => ({
  id: quoted.id,
  author,
  text: quoted.deleted_at === null ? replyExcerpt(quoted.text) : '',
  deleted: quoted.deleted_at !== null,
});

/** Reactions grouped by emoji, in the order each emoji was first used. */
export const presentReactions = (rows: readonly ReactionRow[]): Reaction[] =>
  groupReactions(rows.map((r) => ({ emoji: r.emoji, userId: r.user_id, createdAt: r.created_at })));

export function presentAttachment(row: UploadRow): Attachment {
  return {
    id: row.id,
    kind: row.kind,
    mime: row.mime,
    name: row.name,
    size: row.size,
    width: row.width,
    height: row.height,
    thumb: row.thumb_width && row.thumb_height ? { width: row.thumb_width, height: row.thumb_height } : null,
    url: fileUrl(row.id, row.name),
    thumbUrl: row.thumb_width ? thumbUrl(row.id) : null,
  };
}
