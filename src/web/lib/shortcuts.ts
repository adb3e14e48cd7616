/**
 * The quick switcher's shortcut: ⌘K on Apple devices (where Ctrl+K deletes to the end of the
 * line in text fields), Ctrl+K elsewhere.
 */
const apple = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent);

export const SWITCHER_SHORTCUT = apple ? '⌘K' : 'Ctrl K';

export function isSwitcherShortcut(e: KeyboardEvent): boolean {
  // By key position too, so it works with Cyrillic or Greek layouts (where the key types л, κ…).
  const k = e.key.toLowerCase() === 'k' || e.code === 'KeyK';
  return (apple ? e.metaKey : e.ctrlKey) && !e.altKey && !e.shiftKey && k;
}

/** Where a key is text being typed, or belongs to a popup of its own (the emoji picker). */
function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) ||
    target.closest('[role="dialog"], [role="alertdialog"], [role="menu"]') !== null
  );
}

/** The shortcuts list: `?` when not typing in a field, or Ctrl+/ (⌘/) anywhere. */
export function isHelpShortcut(e: KeyboardEvent): boolean {
  if (e.altKey) return false;
  // The key position only where the key types no character of its own (a layout whose key
  // there is not printable): on German or Nordic layouts the Slash position is `-`, and
  // Ctrl+- is the browser's zoom out.
  const slash = e.key === '/' || (e.code === 'Slash' && e.key.length !== 1);
  if ((apple ? e.metaKey : e.ctrlKey) && slash) return true;
  return e.key === '?' && !e.ctrlKey && !e.metaKey && !isTypingTarget(e.target);
}

export const HELP_SHORTCUT = apple ? '⌘/' : 'Ctrl /';

/**
 * Search: `/` when not typing in a field, as on GitHub or Slack. Ctrl+F / ⌘F stay the
 * browser's find.
 */
export function isSearchShortcut(e: KeyboardEvent): boolean {
  return e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTypingTarget(e.target);
}
