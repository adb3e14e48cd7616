import { memo, useState } from 'react';
import type { Member, Message } from '../../shared/protocol.js';
import { renderMarkdown } from '../lib/markdown.js';
import { formatExact, formatRelative } from '../lib/time.js';
import type { OutboxItem } from '../state/outbox.js';
import { Attachments } from './Attachments.js';
import { EmojiPicker, QUICK_REACTIONS } from './EmojiPicker.js';
import { Icon, type IconName } from './Icon.js';

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
  onClick(): void;
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

export const SystemLine = memo(function SystemLine({ message, now }: { message: Message; now: number }) {
  const who = message.author?.username ?? 'Someone';
  return (
    <div className="system-line">
      <span>
        <strong>{who}</strong> {message.system === 'joined' ? 'joined' : 'left'}
      </span>
      <Time at={message.createdAt} now={now} />
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
  members,
  now,
  actions,
}: {
  message: Message;
  grouped: boolean;
  mine: boolean;
  canDelete: boolean;
  meId: string;
  highlight: string;
  members: Member[] | undefined;
  now: number;
  actions: MessageActions;
}) {
  const [picking, setPicking] = useState(false);
  const author = message.author?.username ?? 'Someone';
  const nameOf = (userId: string) =>
    userId === meId ? 'You' : (members?.find((m) => m.id === userId)?.username ?? 'someone');
  return (
    <article
      className={`message${grouped ? ' grouped' : ''}${mine ? ' mine' : ''}`}
      aria-label={`${author}, ${formatExact(message.createdAt)}`}
      data-message-id={message.id}
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
        <ToolButton icon="smile" label="Add reaction" onClick={() => setPicking(true)} />
        <ToolButton icon="reply" label="Reply" onClick={() => actions.reply(message)} />
        {mine && <ToolButton icon="edit" label="Edit message" onClick={() => actions.edit(message)} />}
        {canDelete && (
          <ToolButton icon="trash" label="Delete message" danger onClick={() => actions.remove(message)} />
        )}
      </div>
      {picking && (
        <EmojiPicker
          label="Pick a reaction"
          onClose={() => setPicking(false)}
          onPick={(emoji) => {
            setPicking(false);
            actions.react(message, emoji);
          }}
        />
      )}
    </article>
  );
});

/** What the user can do with a message the server refused. */
export interface PendingActions {
  retry(item: OutboxItem): void;
  discard(item: OutboxItem): void;
  /** Back into the composer (text, reply, attachments) to change and send again. */
  edit(item: OutboxItem): void;
}

export function PendingItem({
  item,
  me,
  actions,
}: {
  item: OutboxItem;
  me: string;
  actions: PendingActions;
}) {
  return (
    <article
      className={`message mine pending ${item.status}`}
      aria-label={`${me}, ${item.status === 'failed' ? 'not sent' : 'sending'}`}
    >
      <header className="message-header">
        <span className="author">{me}</span>
      </header>
      <div className="message-text">{renderMarkdown(item.text)}</div>
      {item.attachments?.length ? <Attachments attachments={item.attachments} /> : null}
      {item.status === 'failed' ? (
        <div className="status failed" role="alert">
          Not sent{item.error ? `: ${item.error}` : ''}.{' '}
          <button type="button" className="link-button" onClick={() => actions.retry(item)}>
            Retry
          </button>{' '}
          <button type="button" className="link-button" onClick={() => actions.edit(item)}>
            Edit
          </button>{' '}
          <button type="button" className="link-button" onClick={() => actions.discard(item)}>
            Discard
          </button>
        </div>
      ) : (
        <div className="status sending" aria-live="polite">
          {item.status === 'sending' ? 'Sending…' : 'Waiting to send…'}
        </div>
      )}
    </article>
  );
}
