import type { KeyboardEvent, RefObject } from 'react';
import { Icon } from '../Icon.js';

/**
 * The search box: Enter searches, Escape closes the panel (not the browser's clearing of a
 * search box), ↓ goes to the results.
 */
export function SearchField({
  inputRef,
  value,
  onChange,
  onSearch,
  onClose,
  onDown,
}: {
  inputRef: RefObject<HTMLInputElement | null>;
  value: string;
  onChange(text: string): void;
  onSearch(): void;
  onClose(): void;
  onDown(): void;
}) {
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      onSearch();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      onDown();
    }
  };
  return (
    <form
      className="search-field"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch();
      }}
    >
      <input
        ref={inputRef}
        type="search"
        aria-label="Search messages"
        placeholder="Search messages"
        aria-keyshortcuts="/"
        enterKeyHint="search"
        autoComplete="off"
        spellCheck={false}
        maxLength={500}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className="icon-button" aria-label="Search">
        <Icon name="search" />
      </button>
    </form>
  );
}
