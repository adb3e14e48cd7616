import { useEffect } from 'react';
import { isHelpShortcut } from '../lib/shortcuts.js';

/** Opens the shortcuts list from anywhere in the app (see isHelpShortcut for when). */
export function useHelpShortcut(open: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || !isHelpShortcut(e)) return;
      e.preventDefault();
      open();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
}
