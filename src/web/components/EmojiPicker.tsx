import { EmojiPicker as Picker } from 'frimousse';
import { useEffect, useRef } from 'react';

/**
 * Searchable emoji picker with categories and skin tones (frimousse), fed with Emojibase data
 * that Parley serves itself from /emojibase — no third-party CDN. Closes on Escape or an
 * outside click.
 */
export function EmojiPicker({
  onPick,
  onClose,
  label = 'Emoji picker',
}: {
  onPick(emoji: string): void;
  onClose(): void;
  label?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
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
  return (
    <div className="emoji-popover" ref={ref} role="dialog" aria-label={label}>
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
}

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'];
