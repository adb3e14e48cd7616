import type { Message } from '../../../shared/protocol.js';
import { formatDay, startOfDay } from '../../lib/time.js';
import type { OutboxItem } from '../../state/outbox.js';

export type Row =
  | { key: string; kind: 'day'; label: string }
  | { key: string; kind: 'divider' }
  | { key: string; kind: 'message'; message: Message; grouped: boolean }
  /** Joins (or leaves) in a row, shown as one line: "alice, bob and 5 others joined". */
  | { key: string; kind: 'people'; lines: Message[] }
  | { key: string; kind: 'pending'; item: OutboxItem };

const GROUP_WINDOW_MS = 5 * 60_000;

/**
 * The list's rows: a day separator where the day changes, the unread divider before the first
 * new message from someone else, each message (grouped under the one before when the same
 * person wrote again within a few minutes), then what is still in the outbox. Consecutive
 * system lines of the same kind collapse into one row (a message or a new day ends the run);
 * its key is its first line's, so the row keeps its identity as people go on joining.
 */
export function buildRows(
  messages: readonly Message[],
  pending: readonly OutboxItem[],
  meId: string,
  dividerSeq: number | null,
  now: number,
): Row[] {
  const rows: Row[] = [];
  let previous: Message | undefined;
  let dividerPlaced = dividerSeq === null;
  for (const message of messages) {
    if (!previous || startOfDay(previous.createdAt) !== startOfDay(message.createdAt)) {
      rows.push({
        key: `day-${startOfDay(message.createdAt)}`,
        kind: 'day',
        label: formatDay(message.createdAt, now),
      });
      previous = undefined;
    }
    if (
      !dividerPlaced &&
      message.seq > dividerSeq! &&
      message.author?.id !== meId &&
      message.kind === 'user'
    ) {
      rows.push({ key: 'divider', kind: 'divider' });
      dividerPlaced = true;
      previous = undefined;
    }
    if (message.kind === 'system') {
      const run = rows.at(-1);
      if (run?.kind === 'people' && run.lines[0]!.system === message.system) run.lines.push(message);
      else rows.push({ key: message.id, kind: 'people', lines: [message] });
      previous = message;
      continue;
    }
    const grouped =
      previous !== undefined &&
      previous.kind === 'user' &&
      message.kind === 'user' &&
      previous.author?.id === message.author?.id &&
      message.createdAt - previous.createdAt < GROUP_WINDOW_MS &&
      message.replyTo === null;
    rows.push({ key: message.id, kind: 'message', message, grouped });
    previous = message;
  }
  for (const item of pending) rows.push({ key: item.clientMsgId, kind: 'pending', item });
  return rows;
}
