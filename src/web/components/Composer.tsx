import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import type { Message } from '../../shared/protocol';
import { LIMITS } from '../../shared/protocol';
import { EmojiPicker } from './EmojiPicker';
import { Icon } from './Icon';

export interface ComposerHandle {
  replyTo: Message | null;
  editing: Message | null;
}

const TYPING_REFRESH_MS = 3_000;
const TYPING_IDLE_MS = 4_000;

/**
 * Enter sends, Shift+Enter adds a line, Escape cancels a reply or an edit, ArrowUp in an empty
 * box edits your last message. Typing notices go out at most every few seconds and stop on
 * send, on blur and after a pause.
 */
export function Composer({
  roomName,
  replyTo,
  editing,
  lastOwnMessage,
  onSend,
  onEdit,
  onCancel,
  onStartEdit,
  onTyping,
}: {
  roomName: string;
  replyTo: Message | null;
  editing: Message | null;
  lastOwnMessage: Message | undefined;
  onSend(text: string): void;
  onEdit(message: Message, text: string): Promise<boolean>;
  onCancel(): void;
  onStartEdit(message: Message): void;
  onTyping(typing: boolean): void;
}) {
  const [text, setText] = useState('');
  const [picking, setPicking] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const typingSentAt = useRef(0);
  const idleTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => {
    if (editing) setText(editing.text);
    input.current?.focus();
  }, [editing]);
  useEffect(() => {
    if (replyTo) input.current?.focus();
  }, [replyTo]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-measure whenever the text changes
  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [text]);

  const stopTyping = () => {
    clearTimeout(idleTimer.current);
    if (typingSentAt.current) {
      typingSentAt.current = 0;
      onTyping(false);
    }
  };

  const noteTyping = () => {
    if (editing) return;
    const now = Date.now();
    if (now - typingSentAt.current > TYPING_REFRESH_MS) {
      typingSentAt.current = now;
      onTyping(true);
    }
    clearTimeout(idleTimer.current);
    idleTimer.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  async function submit() {
    const value = text.trim();
    if (!value) return;
    if (editing) {
      if (await onEdit(editing, value)) {
        setText('');
        onCancel();
      }
      return;
    }
    onSend(value);
    setText('');
    stopTyping();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    } else if (event.key === 'Escape' && (replyTo || editing)) {
      event.preventDefault();
      if (editing) setText('');
      onCancel();
    } else if (event.key === 'ArrowUp' && !text && lastOwnMessage) {
      event.preventDefault();
      onStartEdit(lastOwnMessage);
    }
  }

  const tooLong = text.length > LIMITS.messageTextMax;
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {(replyTo || editing) && (
        <div className="composer-context">
          <span>
            {editing ? (
              'Editing message'
            ) : (
              <>
                Replying to <strong>{replyTo?.author?.username ?? 'someone'}</strong>:{' '}
                {replyTo?.text.slice(0, 80)}
              </>
            )}
          </span>
          <button
            type="button"
            className="icon-button small"
            aria-label={editing ? 'Cancel editing' : 'Cancel reply'}
            onClick={() => {
              if (editing) setText('');
              onCancel();
            }}
          >
            ✕
          </button>
        </div>
      )}
      <div className="composer-row">
        <button
          type="button"
          className="icon-button"
          aria-label="Insert emoji"
          aria-expanded={picking}
          onClick={() => setPicking((p) => !p)}
        >
          <Icon name="smile" />
        </button>
        <textarea
          ref={input}
          rows={1}
          value={text}
          aria-label={`Message ${roomName}`}
          placeholder={`Message ${roomName}`}
          onChange={(e) => {
            setText(e.target.value);
            noteTyping();
          }}
          onKeyDown={onKeyDown}
          onBlur={stopTyping}
          aria-invalid={tooLong}
        />
        <button
          type="submit"
          className="primary send"
          disabled={!text.trim() || tooLong}
          aria-label={editing ? 'Save edit' : 'Send message'}
        >
          {editing ? 'Save' : 'Send'}
        </button>
      </div>
      {tooLong && (
        <p className="form-error small" role="alert">
          Messages are limited to {LIMITS.messageTextMax} characters ({text.length} now).
        </p>
      )}
      {picking && (
        <EmojiPicker
          onClose={() => setPicking(false)}
          onPick={(emoji) => {
            const el = input.current;
            const start = el?.selectionStart ?? text.length;
            const end = el?.selectionEnd ?? text.length;
            setText(text.slice(0, start) + emoji + text.slice(end));
            setPicking(false);
            requestAnimationFrame(() => {
              el?.focus();
              el?.setSelectionRange(start + emoji.length, start + emoji.length);
            });
          }}
        />
      )}
    </form>
  );
}
