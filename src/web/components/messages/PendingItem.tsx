import { renderMarkdown } from '../../lib/markdown.js';
import type { OutboxItem } from '../../state/outbox.js';
import { Attachments } from './Attachments.js';

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
  tabIndex,
}: {
  item: OutboxItem;
  me: string;
  actions: PendingActions;
  /** 0 for the list's one tab stop, -1 for the others (useRovingFocus). */
  tabIndex: number;
}) {
  return (
    <article
      className={`message mine pending ${item.status}`}
      aria-label={`${me}, ${item.status === 'failed' ? 'not sent' : 'sending'}`}
      data-row-key={item.clientMsgId}
      tabIndex={tabIndex}
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
