import { type RefObject, useEffect, useRef, useState } from 'react';
import { hasInteracted } from '../../lib/focus.js';
import type { ComposeState } from './useComposeState.js';

const MAX_BOX_HEIGHT_PX = 200;

/**
 * The text in the box, starting from the room's draft and reported back on every change so the
 * draft stays saved. Also what the box does when the compose state changes: it takes an edited
 * message's text (and gives the earlier text back after), takes a refused message's text, and
 * takes focus for a reply. The box grows with its text up to a limit.
 */
export function useComposerText(input: RefObject<HTMLTextAreaElement | null>, compose: ComposeState) {
  const { editing, replyTo, restored, textChanged } = compose;
  const [text, setText] = useState(compose.initialText);

  // Entering edit mode fills the box with the message; leaving it (saved, cancelled, or a reply
  // started) puts back what the user was writing before, so an old draft of the edit can never
  // be sent as a new message and the unsent text is not lost to the edit.
  const beforeEditing = useRef<string | null>(null);
  // Declared first so it runs before the effect below puts the earlier text back.
  const reportText = useRef(textChanged);
  reportText.current = textChanged;
  useEffect(() => {
    if (!editing && beforeEditing.current === null) reportText.current(text);
  }, [text, editing]);
  useEffect(() => {
    if (editing) {
      setText((current) => {
        beforeEditing.current ??= current;
        return editing.text;
      });
      input.current?.focus();
    } else if (beforeEditing.current !== null) {
      setText(beforeEditing.current);
      beforeEditing.current = null;
      input.current?.focus();
    }
  }, [editing, input]);

  // A reply just picked is for writing (not one restored with a draft as a fresh page opens).
  useEffect(() => {
    if (replyTo && hasInteracted()) input.current?.focus();
  }, [replyTo, input]);
  // A room just opened — from the sidebar, a dialog that closed, a match — is for writing in:
  // the box takes the focus unless the user is typing somewhere else (the sidebar's search, a
  // dialog) or moving through a panel beside the room (search results). Not on touch screens, where focusing would pop the keyboard up over the room.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the room changes
  useEffect(() => {
    if (!window.matchMedia?.('(pointer: fine)').matches) return;
    // Not the room a fresh page opens by itself: until the person does something, the focus
    // stays at the top of the page, where the first Tab reaches the skip link.
    if (!hasInteracted()) return;
    // Once no dialog is open: a dialog that opened the room makes the page inert until it has
    // closed (and handed its focus back), so focusing before that would do nothing.
    let frame = 0;
    let frames = 0;
    const focusWhenFree = () => {
      if (document.querySelector('dialog[open]') && ++frames < 120) {
        frame = requestAnimationFrame(focusWhenFree);
        return;
      }
      const active = document.activeElement;
      const typingElsewhere =
        active instanceof HTMLElement &&
        active !== input.current &&
        active.matches('input, textarea, select, [contenteditable]');
      // Opened from a list that stays beside the room (search results): the next one is a key away.
      const openedFromPanel = active instanceof HTMLElement && active.closest('[data-keeps-focus]') !== null;
      if (!typingElsewhere && !openedFromPanel) input.current?.focus();
    };
    frame = requestAnimationFrame(focusWhenFree);
    return () => cancelAnimationFrame(frame);
  }, [compose.roomId, input]);
  useEffect(() => {
    if (!restored) return;
    // Whatever the user had typed meanwhile stays; the restored text follows it.
    setText((current) => (current.trim() ? `${current}\n${restored.text}` : restored.text));
    input.current?.focus();
  }, [restored, input]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-measure whenever the text changes
  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_BOX_HEIGHT_PX)}px`;
  }, [text, input]);

  /** Replaces [from, to) with `value` and puts the caret after it. */
  const insert = (value: string, from: number, to: number) => {
    const next = text.slice(0, from) + value + text.slice(to);
    setText(next);
    requestAnimationFrame(() => {
      const el = input.current;
      el?.focus();
      el?.setSelectionRange(from + value.length, from + value.length);
    });
  };

  return { text, setText, insert };
}
