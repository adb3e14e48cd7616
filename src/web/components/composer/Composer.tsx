import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import type { Member, Message } from '../../../shared/protocol.js';
import { LIMITS } from '../../../shared/protocol.js';
import { formatSize } from '../../api/uploads.js';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import { mentionAtCaret, searchMembers } from '../../lib/mentions.js';
import { roomTitle } from '../../lib/rooms.js';
import { loadShortcodes, type Shortcode, searchShortcodes, shortcodeAtCaret } from '../../lib/shortcodes.js';
import { lastOwnMessage as selectLastOwnMessage } from '../../state/selectors.js';
import { EmojiPicker } from '../EmojiPicker.js';
import { Icon } from '../Icon.js';
import type { Uploads } from './useUploads.js';

const TYPING_REFRESH_MS = 3_000;
const TYPING_IDLE_MS = 4_000;

/** What the list under the caret offers: emoji for `:smi`, people for `@al`; [start, end) is replaced. */
type Suggestions = { start: number; end: number; active: number } & (
  | { kind: 'emoji'; items: Shortcode[] }
  | { kind: 'member'; items: Member[] }
);

/**
 * Enter sends, Shift+Enter adds a line, Escape cancels a reply or an edit, ArrowUp in an empty
 * box edits your last message, `:smi` offers emoji by shortcode and `@al` the room's people. Files come from the clip
 * button, a paste or a drop on the room, and upload at once. Typing notices go out at most
 * every few seconds and stop on send, on blur and after a pause.
 */
export function Composer({
  roomId,
  replyTo,
  editing,
  initialText,
  restored,
  uploads,
  onSend,
  onEdit,
  onCancel,
  onStartEdit,
  onTyping,
  onTextChange,
}: {
  roomId: string;
  replyTo: Message | null;
  editing: Message | null;
  /** The room's saved draft, the box's text when it first shows. */
  initialText: string;
  /** Text handed back to the box: a refused message being redone. A new object each time. */
  restored: { text: string } | null;
  uploads: Uploads;
  onSend(text: string): void;
  onEdit(message: Message, text: string): Promise<boolean>;
  onCancel(): void;
  onStartEdit(message: Message): void;
  onTyping(typing: boolean): void;
  /** What the user is writing changed (not while editing a sent message): to save as a draft. */
  onTextChange(text: string): void;
}) {
  const roomName = useChatSelector((s) => {
    const room = s.rooms[roomId]?.room;
    return room ? roomTitle(room) : '';
  });
  const meId = useChatSelector((s) => s.me.id);
  /** The room's members, for `@` suggestions (undefined until loaded). */
  const members: Member[] | undefined = useChatSelector((s) => s.members[roomId]);
  const lastOwnMessage = useChatSelector((s) => selectLastOwnMessage(s, roomId));
  const [text, setText] = useState(initialText);
  const [picking, setPicking] = useState(false);
  const [suggestions, setSuggestions] = useState<Suggestions | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const typingSentAt = useRef(0);
  const idleTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const listId = useId();

  // Entering edit mode fills the box with the message; leaving it (saved, cancelled, or a reply
  // started) puts back what the user was writing before, so an old draft of the edit can never
  // be sent as a new message and the unsent text is not lost to the edit.
  const beforeEditing = useRef<string | null>(null);
  // Declared first so it runs before the effect below puts the earlier text back.
  const reportText = useRef(onTextChange);
  reportText.current = onTextChange;
  useEffect(() => {
    if (!editing && beforeEditing.current === null) reportText.current(text);
  }, [text, editing]);
  useEffect(() => {
    if (editing) {
      setText((current) => {
        beforeEditing.current ??= current;
        return editing.text;
      });
    } else if (beforeEditing.current !== null) {
      setText(beforeEditing.current);
      beforeEditing.current = null;
    }
    input.current?.focus();
  }, [editing]);

  useEffect(() => {
    if (replyTo) input.current?.focus();
  }, [replyTo]);
  useEffect(() => {
    if (!restored) return;
    // Whatever the user had typed meanwhile stays; the restored text follows it.
    setText((current) => (current.trim() ? `${current}\n${restored.text}` : restored.text));
    input.current?.focus();
  }, [restored]);
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

  const insert = (value: string, from: number, to: number) => {
    const next = text.slice(0, from) + value + text.slice(to);
    setText(next);
    requestAnimationFrame(() => {
      const el = input.current;
      el?.focus();
      el?.setSelectionRange(from + value.length, from + value.length);
    });
  };

  // The emoji list loads asynchronously: only the answer to the latest keystroke may show.
  const suggestionRequest = useRef(0);
  const updateSuggestions = (value: string, caret: number) => {
    const request = ++suggestionRequest.current;
    const mention = mentionAtCaret(value, caret);
    if (mention) {
      const items = searchMembers(members ?? [], mention.query, meId);
      setSuggestions(items.length > 0 ? { kind: 'member', ...mention, items, active: 0 } : null);
      return;
    }
    const token = shortcodeAtCaret(value, caret);
    if (!token) {
      setSuggestions(null);
      return;
    }
    void loadShortcodes().then((list) => {
      if (request !== suggestionRequest.current) return;
      const items = searchShortcodes(list, token.query);
      setSuggestions(items.length > 0 ? { kind: 'emoji', ...token, items, active: 0 } : null);
    });
  };
  // The room's people may arrive after the `@` was typed (they load when the room opens).
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a change of members re-runs the lookup
  useEffect(() => {
    const el = input.current;
    if (el && document.activeElement === el) updateSuggestions(el.value, el.selectionStart);
  }, [members]);

  const accept = (index: number) => {
    if (!suggestions) return;
    const value =
      suggestions.kind === 'emoji'
        ? suggestions.items[index]!.emoji
        : `@${suggestions.items[index]!.username}`;
    insert(`${value} `, suggestions.start, suggestions.end);
    setSuggestions(null);
  };

  async function submit() {
    const value = text.trim();
    if (value.length > LIMITS.messageTextMax) return;
    if (editing) {
      if (value && (await onEdit(editing, value))) onCancel();
      return;
    }
    if (uploads.uploading || (!value && !uploads.ready) || uploads.expireStale()) return;
    onSend(value);
    setText('');
    setSuggestions(null);
    stopTyping();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // Keys that confirm or browse an input method's candidates belong to it, not to us.
    if (event.nativeEvent.isComposing || event.keyCode === 229) return;
    if (suggestions) {
      const count = suggestions.items.length;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setSuggestions({ ...suggestions, active: (suggestions.active + step + count) % count });
        return;
      }
      if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
        event.preventDefault();
        accept(suggestions.active);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setSuggestions(null);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void submit();
    } else if (event.key === 'Escape' && (replyTo || editing)) {
      event.preventDefault();
      onCancel();
    } else if (event.key === 'ArrowUp' && !text && lastOwnMessage) {
      event.preventDefault();
      onStartEdit(lastOwnMessage);
    }
  }

  const tooLong = text.length > LIMITS.messageTextMax;
  const canSend = !tooLong && !uploads.uploading && (text.trim().length > 0 || (uploads.ready && !editing));
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
            onClick={onCancel}
          >
            <Icon name="x" size={14} />
          </button>
        </div>
      )}
      {uploads.drafts.length > 0 && (
        <ul className="upload-tray" aria-label="Attachments">
          {uploads.drafts.map((draft) => (
            <li key={draft.key} className={`upload ${draft.status}`}>
              {draft.preview ? (
                <img src={draft.preview} alt="" className="upload-preview" />
              ) : (
                <Icon name="file" size={20} />
              )}
              <span className="upload-meta">
                <span className="upload-name">{draft.name}</span>
                {draft.status === 'error' ? (
                  <span className="upload-error" role="alert">
                    {draft.error}
                  </span>
                ) : (
                  <span className="muted small">{formatSize(draft.size)}</span>
                )}
                {draft.status === 'uploading' && (
                  <progress max={1} value={draft.progress} aria-label={`Uploading ${draft.name}`} />
                )}
              </span>
              <button
                type="button"
                className="icon-button small"
                aria-label={
                  draft.status === 'uploading' ? `Cancel upload of ${draft.name}` : `Remove ${draft.name}`
                }
                onClick={() => uploads.remove(draft.key)}
              >
                <Icon name="x" size={14} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {suggestions && (
        <div
          className="suggestions"
          id={listId}
          role="listbox"
          aria-label={suggestions.kind === 'emoji' ? 'Emoji suggestions' : 'People to mention'}
        >
          {suggestions.items.map((item, i) => (
            <div
              key={'code' in item ? item.code : item.id}
              id={`${listId}-${i}`}
              role="option"
              tabIndex={-1}
              aria-selected={i === suggestions.active}
              className={i === suggestions.active ? 'suggestion active' : 'suggestion'}
              onMouseDown={(e) => {
                // Keep focus in the textarea; the keyboard path is Enter/Tab there.
                e.preventDefault();
                accept(i);
              }}
            >
              {'code' in item ? (
                <>
                  <span className="suggestion-emoji">{item.emoji}</span> :{item.code}:
                </>
              ) : (
                <>
                  <span className={item.online ? 'dot online' : 'dot'} aria-hidden="true" /> {item.username}
                  {item.guest && <span className="muted small"> guest</span>}
                </>
              )}
            </div>
          ))}
        </div>
      )}
      <div className="composer-row">
        <button
          type="button"
          className="icon-button"
          aria-label="Attach files"
          onClick={() => fileInput.current?.click()}
        >
          <Icon name="paperclip" />
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          onChange={(e) => {
            if (e.target.files) void uploads.add([...e.target.files]);
            e.target.value = '';
          }}
        />
        <button
          type="button"
          className="icon-button"
          aria-label="Insert emoji"
          aria-expanded={picking}
          data-emoji-toggle
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
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={Boolean(suggestions)}
          aria-controls={suggestions ? listId : undefined}
          aria-activedescendant={suggestions ? `${listId}-${suggestions.active}` : undefined}
          onChange={(e) => {
            setText(e.target.value);
            updateSuggestions(e.target.value, e.target.selectionStart);
            noteTyping();
          }}
          onKeyDown={onKeyDown}
          // The caret moved (arrows, a click): the list follows what is at the caret now.
          onSelect={(e) => {
            const el = e.currentTarget;
            if (el.selectionStart === el.selectionEnd) updateSuggestions(el.value, el.selectionStart);
            else setSuggestions(null);
          }}
          onPaste={(e) => {
            if (e.clipboardData.files.length === 0) return;
            e.preventDefault();
            void uploads.add([...e.clipboardData.files]);
          }}
          onBlur={() => {
            stopTyping();
            setSuggestions(null);
          }}
          aria-invalid={tooLong}
        />
        <button
          type="submit"
          className="primary send"
          disabled={!canSend}
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
            insert(emoji, el?.selectionStart ?? text.length, el?.selectionEnd ?? text.length);
            setPicking(false);
          }}
        />
      )}
    </form>
  );
}
