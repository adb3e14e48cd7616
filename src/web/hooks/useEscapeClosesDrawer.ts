import { useEffect } from 'react';

/**
 * The phone's sidebar drawer behaves as a modal panel: while it is open the room behind it is
 * inert (Tab cannot wander into what the scrim covers) and the focus moves into the drawer;
 * Escape closes it, as it closes dialogs, and gives the focus back to the button that opened
 * it. An Escape something else used (a dialog, the emoji picker, the composer's reply) is left
 * alone.
 */
export function useEscapeClosesDrawer(open: boolean, close: () => void): void {
  useEffect(() => {
    if (!open) return;
    const room = document.querySelector<HTMLElement>('main.room');
    if (room) room.inert = true;
    const frame = requestAnimationFrame(() =>
      document
        .querySelector<HTMLElement>('aside.drawer button, aside.drawer [href], aside.drawer input')
        ?.focus(),
    );
    return () => {
      cancelAnimationFrame(frame);
      if (room) room.inert = false;
    };
  }, [open]);
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
