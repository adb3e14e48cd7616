import { useEffect } from 'react';
import { isHelpShortcut } from '../lib/shortcuts.js';

/** Opens the shortcuts list from anywhere in the app (see isHelpShortcut for when). */
export function useHelpShortcut(open: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Not over another dialog (a question waiting for its answer, a form being filled).
      if (e.defaultPrevented || !isHelpShortcut(e) || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      open();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
}
