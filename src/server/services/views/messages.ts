import type { Message } from '../../../shared/protocol.js';
import {
  presentAttachment,
  presentMessage,
  presentReactions,
  presentReply,
} from '../../presenters/messages.js';
import { presentUser } from '../../presenters/users.js';
import type { Executor } from '../../store/executor.js';
import { type MessageRow, messagesByIds } from '../../store/messages.js';
import { type ReactionRow, reactionsOfMessages } from '../../store/reactions.js';
import { type UploadRow, uploadsOfMessages } from '../../store/uploads.js';
import { findUsersByIds } from '../../store/users.js';

/**
 * Message rows as clients see them — with authors, reply previews, reactions and attachments —
 * in four queries for the whole set whatever its size. History pages, sync replay and every
 * write that answers with a stored message go through here.
 */
export async function loadMessages(db: Executor, rows: readonly MessageRow[]): Promise<Message[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const replyIds = [...new Set(rows.flatMap((r) => (r.reply_to ? [r.reply_to] : [])))];
  const replied = await messagesByIds(db, replyIds);
  const authorIds = [...new Set([...rows, ...replied].flatMap((r) => (r.author_id ? [r.author_id] : [])))];
  // Sequential on purpose: inside a transaction there is one connection to share.
  const authors = await findUsersByIds(db, authorIds);
  const reactionRows = await reactionsOfMessages(db, ids);
  const uploadRows = await uploadsOfMessages(db, ids);
  const authorById = new Map(authors.map((u) => [u.id, presentUser(u)]));
  const authorOf = (row: MessageRow) => (row.author_id ? (authorById.get(row.author_id) ?? null) : null);
  const repliedById = new Map(replied.map((m) => [m.id, m]));
  const reactionsByMessage = groupBy(reactionRows, (r) => r.message_id);
  const uploadsByMessage = groupBy(uploadRows, (u) => u.message_id!);
  return rows.map((row) => {
    const quoted = row.reply_to ? repliedById.get(row.reply_to) : undefined;
    return presentMessage(row, {
      author: authorOf(row),
      reply: quoted ? presentReply(quoted, authorOf(quoted)) : null,
      reactions: presentReactions(reactionsByMessage.get(row.id) ?? []),
      attachments: (uploadsByMessage.get(row.id) ?? []).map(presentAttachment),
    });
  });
}

function groupBy<T extends ReactionRow | UploadRow>(rows: readonly T[], key: (row: T) => string) {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row));
    if (list) list.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}
