import { memo, useState } from 'react';
import type { Message } from '../../../shared/protocol.js';
import { renderMarkdown } from '../../lib/markdown.js';
import { formatExact, formatRelative } from '../../lib/time.js';
import { EmojiPicker, QUICK_REACTIONS } from '../EmojiPicker.js';
import { Icon, type IconName } from '../Icon.js';
import { Attachments } from './Attachments.js';
import { MessageMenu } from './MessageMenu.js';

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
  names,
  now,
  actions,
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
}) {
  const [picking, setPicking] = useState(false);
  const author = message.author?.username ?? 'Someone';
  const nameOf = (userId: string) => (userId === meId ? 'You' : (names?.get(userId) ?? 'someone'));
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
        <MessageMenu message={message} />
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
