import { useEffect } from 'react';

/**
 * Escape closes the phone's sidebar drawer, as it closes dialogs, and gives the focus back to
 * the button that opened it. An Escape something else used (a dialog, the emoji picker, the
 * composer's reply) is left alone.
 */
export function useEscapeClosesDrawer(open: boolean, close: () => void): void {
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      close();
      requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-drawer-toggle]')?.focus());
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, close]);
}
