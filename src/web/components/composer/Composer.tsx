import { type KeyboardEvent, useId, useRef, useState } from 'react';
import { LIMITS } from '../../../shared/protocol.js';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import { roomTitle } from '../../lib/rooms.js';
import { lastOwnMessage as selectLastOwnMessage } from '../../state/selectors.js';
import { EmojiPicker } from '../EmojiPicker.js';
import { Icon } from '../Icon.js';
import { useCompose } from './ComposeContext.js';
import { FormattingHelp } from './FormattingHelp.js';
import { ReplyOrEditBar } from './ReplyOrEditBar.js';
import { SuggestionList } from './SuggestionList.js';
import { UploadTray } from './UploadTray.js';
import { useComposerText } from './useComposerText.js';
import { useSuggestions } from './useSuggestions.js';
import { useTypingNotices } from './useTypingNotices.js';

/**
 * Enter sends, Shift+Enter adds a line, Escape cancels a reply or an edit, ArrowUp in an empty
 * box edits your last message, `:smi` offers emoji by shortcode and `@al` the room's people.
 * Files come from the clip button, a paste or a drop on the room, and upload at once. Typing
 * notices go out at most every few seconds and stop on send, on blur and after a pause. What
 * it works on — reply, edit, files, draft — comes from the room's ComposeContext.
 */
export function Composer() {
  const compose = useCompose();
  const { roomId, replyTo, editing, uploads } = compose;
  const roomName = useChatSelector((s) => {
    const room = s.rooms[roomId]?.room;
    return room ? roomTitle(room) : '';
  });
  const lastOwnMessage = useChatSelector((s) => selectLastOwnMessage(s, roomId));
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [picking, setPicking] = useState(false);
  const listId = useId();
  const { text, setText, insert } = useComposerText(input, compose);
  const suggestions = useSuggestions(roomId, input, insert);
  const { noteTyping, stopTyping } = useTypingNotices(Boolean(editing), compose.setTyping);
  const open = suggestions.suggestions;

  async function submit() {
    const value = text.trim();
    if (value.length > LIMITS.messageTextMax) return;
    if (editing) {
      if (value && (await compose.saveEdit(editing, value))) compose.cancel();
      return;
    }
    if (uploads.uploading || (!value && !uploads.ready) || uploads.expireStale()) return;
    compose.send(value);
    setText('');
    suggestions.close();
    stopTyping();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // Keys that confirm or browse an input method's candidates belong to it, not to us.
    if (event.nativeEvent.isComposing || event.keyCode === 229) return;
    if (suggestions.onKey(event)) return;
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void submit();
    } else if (event.key === 'Escape' && (replyTo || editing)) {
      event.preventDefault();
      compose.cancel();
    } else if (event.key === 'ArrowUp' && !text && lastOwnMessage) {
      event.preventDefault();
      compose.startEdit(lastOwnMessage);
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
      <ReplyOrEditBar />
      <UploadTray />
      {open && <SuggestionList id={listId} suggestions={open} onAccept={suggestions.accept} />}
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
          aria-expanded={Boolean(open)}
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? `${listId}-${open.active}` : undefined}
          onChange={(e) => {
            setText(e.target.value);
            suggestions.update(e.target.value, e.target.selectionStart);
            noteTyping();
          }}
          onKeyDown={onKeyDown}
          // The caret moved (arrows, a click): the list follows what is at the caret now.
          onSelect={(e) => {
            const el = e.currentTarget;
            if (el.selectionStart === el.selectionEnd) suggestions.update(el.value, el.selectionStart);
            else suggestions.close();
          }}
          onPaste={(e) => {
            if (e.clipboardData.files.length === 0) return;
            e.preventDefault();
            void uploads.add([...e.clipboardData.files]);
          }}
          onBlur={() => {
            stopTyping();
            suggestions.close();
          }}
          aria-invalid={tooLong}
        />
        <FormattingHelp />
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
