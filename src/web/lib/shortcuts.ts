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
