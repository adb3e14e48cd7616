import { EmojiPicker as Picker } from 'frimousse';
import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useAnchoredPosition } from '../hooks/useAnchoredPosition.js';

/**
 * Searchable emoji picker with categories and skin tones (frimousse), fed with Emojibase data
 * that Parley serves itself from /emojibase — no third-party CDN. Closes on Escape or an
 * outside click.
 *
 * Given an `anchor`, it floats over the page next to it (portalled to the body, `position:
 * fixed`), flipping above or shifting sideways to stay wholly on screen: inside the message
 * list it would be clipped by the list's scroller. Without one it is placed by its container's
 * CSS (the composer's, above the box).
 */
export function EmojiPicker({
  onPick,
  onClose,
  label = 'Emoji picker',
  anchor,
}: {
  onPick(emoji: string): void;
  onClose(): void;
  label?: string;
  anchor?: HTMLElement;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const position = useAnchoredPosition(anchor ?? null, ref);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Element;
      // The button that toggles the picker closes it by itself; closing here too would reopen it.
      if (target.closest?.('[data-emoji-toggle]')) return;
      if (ref.current && !ref.current.contains(target)) onClose();
    };
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('pointerdown', onPointer, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('pointerdown', onPointer, true);
    };
  }, [onClose]);
  const popover = (
    <div
      className={anchor ? 'emoji-popover floating' : 'emoji-popover'}
      ref={ref}
      role="dialog"
      aria-label={label}
      style={anchor ? (position ?? { visibility: 'hidden' }) : undefined}
    >
      <Picker.Root
        className="emoji-picker"
        columns={8}
        emojibaseUrl="/emojibase"
        onEmojiSelect={({ emoji }) => onPick(emoji)}
      >
        <div className="emoji-picker-top">
          <Picker.Search className="emoji-search" aria-label="Search emoji" autoFocus />
          <Picker.SkinToneSelector className="emoji-skin" />
        </div>
        <Picker.Viewport className="emoji-viewport">
          <Picker.Loading className="emoji-state">Loading emoji…</Picker.Loading>
          <Picker.Empty className="emoji-state">No emoji found.</Picker.Empty>
          <Picker.List
            className="emoji-list"
            components={{
              CategoryHeader: ({ category, ...props }) => (
                <div className="emoji-category" {...props}>
                  {category.label}
                </div>
              ),
              Emoji: ({ emoji, ...props }) => (
                <button className="emoji-button" {...props}>
                  {emoji.emoji}
                </button>
              ),
            }}
          />
        </Picker.Viewport>
      </Picker.Root>
    </div>
  );
  return anchor ? createPortal(popover, document.body) : popover;
}

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'];
