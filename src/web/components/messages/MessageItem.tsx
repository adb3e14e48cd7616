import { type MouseEvent, memo, useState } from 'react';
import { peopleParts, systemVerb } from '../../../shared/people.js';
import type { Message } from '../../../shared/protocol.js';
import { renderMarkdown } from '../../lib/markdown.js';
import { formatExact, formatRelative } from '../../lib/time.js';
import { EmojiPicker, QUICK_REACTIONS } from '../EmojiPicker.js';
import { Icon, type IconName } from '../Icon.js';
import { Attachments } from './Attachments.js';
import { MessageMenu } from './MessageMenu.js';
import { useTapToShowActions } from './useTapToShowActions.js';

export interface MessageActions {
  reply(message: Message): void;
  edit(message: Message): void;
  remove(message: Message): void;
  react(message: Message, emoji: string): void;
}

function Time({ at, now }: { at: number; now: number }) {
  return (
    <time dateTime={new Date(at).toISOString()} title={formatExact(at)}>
      {formatRelative(at, now)}
    </time>
  );
}

function ToolButton({
  icon,
  label,
  danger,
  onClick,
}: {
  icon: IconName;
  label: string;
  danger?: boolean;
  onClick(event: MouseEvent<HTMLButtonElement>): void;
}) {
  return (
    <button
      type="button"
      className={`icon-button small${danger ? ' danger' : ''}`}
      aria-label={label}
      onClick={onClick}
    >
      <Icon name={icon} size={15} />
    </button>
  );
}

/** Joins or leaves in a row as one line (rows.ts collapses them), at the time of the last. */
export const SystemLine = memo(function SystemLine({ lines, now }: { lines: Message[]; now: number }) {
  const names = [...new Set(lines.map((line) => line.author?.username ?? 'Someone'))];
  const parts = peopleParts(names);
  return (
    // Its newest line's id: the reading position counts the line as seen like any message.
    <div className="system-line" data-message-id={lines.at(-1)!.id}>
      <span title={names.length > 3 ? names.join(', ') : undefined}>
        {parts.map((part, i) =>
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts never reorder
          typeof part === 'string' ? part : <strong key={i}>{part.name}</strong>,
        )}{' '}
        {systemVerb(lines[0]!.system)}
      </span>
      <Time at={lines.at(-1)!.createdAt} now={now} />
    </div>
  );
});

export const MessageItem = memo(function MessageItem({
  message,
  grouped,
  mine,
  canDelete,
  meId,
  highlight,
  names,
  now,
  actions,
  tabIndex,
}: {
  message: Message;
  grouped: boolean;
  mine: boolean;
  canDelete: boolean;
  meId: string;
  highlight: string;
  /** Member names by id, for who reacted (undefined until the members load). */
  names: ReadonlyMap<string, string> | undefined;
  now: number;
  actions: MessageActions;
  /** 0 for the list's one tab stop, -1 for the others (useRovingFocus). */
  tabIndex: number;
}) {
  // The "Add reaction" button the picker opened from: the picker is placed next to it.
  const [pickerAnchor, setPickerAnchor] = useState<HTMLElement | null>(null);
  const tap = useTapToShowActions(message.id);
  const author = message.author?.username ?? 'Someone';
  const nameOf = (userId: string) => (userId === meId ? 'You' : (names?.get(userId) ?? 'someone'));
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: a tap stands in for hover; keyboards focus the actions
    <article
      onClick={tap.onClick}
      className={`message${grouped ? ' grouped' : ''}${mine ? ' mine' : ''}${pickerAnchor ? ' picking' : ''}${tap.shown ? ' actions-shown' : ''}`}
      aria-label={`${author}, ${formatExact(message.createdAt)}`}
      data-message-id={message.id}
      data-row-key={message.id}
      tabIndex={tabIndex}
    >
      {!grouped && (
        <header className="message-header">
          <span className="author">{author}</span>
          {message.author?.guest && <span className="tag">guest</span>}
          <Time at={message.createdAt} now={now} />
        </header>
      )}
      {message.reply && (
        <blockquote className="reply-quote">
          <span className="reply-author">↪ {message.reply.author?.username ?? 'Someone'}</span>{' '}
          {message.reply.deleted ? <em>deleted message</em> : message.reply.text}
        </blockquote>
      )}
      <div className="message-text">
        {renderMarkdown(message.text, { highlight })}
        {message.editedAt !== null && (
          <span className="edited" title={`Edited ${formatExact(message.editedAt)}`}>
            (edited)
          </span>
        )}
        {mine && (
          <span className="status sent" title="Sent">
            <Icon name="check" size={12} />
            <span className="visually-hidden">sent</span>
          </span>
        )}
      </div>
      {message.attachments.length > 0 && <Attachments attachments={message.attachments} />}
      {message.reactions.length > 0 && (
        <ul className="reactions" aria-label="Reactions">
          {message.reactions.map((r) => {
            const reacted = r.userIds.includes(meId);
            const who = r.userIds.map(nameOf).join(', ');
            return (
              <li key={r.emoji}>
                <button
                  type="button"
                  className={reacted ? 'reaction reacted' : 'reaction'}
                  aria-pressed={reacted}
                  aria-label={`${r.emoji} ${r.userIds.length}: ${who}`}
                  title={who}
                  onClick={() => actions.react(message, r.emoji)}
                >
                  <span aria-hidden="true">{r.emoji}</span> <span className="count">{r.userIds.length}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <div className="message-toolbar" role="toolbar" aria-label="Message actions">
        {QUICK_REACTIONS.slice(0, 3).map((emoji) => (
          <button
            key={emoji}
            type="button"
            className="icon-button small"
            aria-label={`React with ${emoji}`}
            onClick={() => actions.react(message, emoji)}
          >
            {emoji}
          </button>
        ))}
        <ToolButton icon="smile" label="Add reaction" onClick={(e) => setPickerAnchor(e.currentTarget)} />
        <ToolButton icon="reply" label="Reply" onClick={() => actions.reply(message)} />
        {mine && <ToolButton icon="edit" label="Edit message" onClick={() => actions.edit(message)} />}
        {canDelete && (
          <ToolButton icon="trash" label="Delete message" danger onClick={() => actions.remove(message)} />
        )}
        <MessageMenu message={message} />
      </div>
      {pickerAnchor && (
        <EmojiPicker
          label="Pick a reaction"
          anchor={pickerAnchor}
          onClose={() => setPickerAnchor(null)}
          onPick={(emoji) => {
            setPickerAnchor(null);
            actions.react(message, emoji);
          }}
        />
      )}
    </article>
  );
});
