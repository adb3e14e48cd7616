import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';

const ITEMS = '[role="menuitem"]';

/**
 * The keyboard and pointer behaviour of a WAI-ARIA "menu button" and its `role="menu"` popup:
 * Enter, Space or ArrowDown on the button opens it with the focus on the first item (ArrowUp:
 * the last); in the menu ArrowUp and ArrowDown move, wrapping, Home and End jump; Escape
 * closes and gives the focus back to the button; Tab closes and lets the focus move on; a
 * pointer pressed anywhere outside closes it. Spread `buttonProps` on the button and
 * `menuProps` on the `role="menu"` element; call `close()` when an item is chosen.
 */
export function useMenuButton() {
  const [open, setOpen] = useState<false | 'first' | 'last'>(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const items = menu.current?.querySelectorAll<HTMLElement>(ITEMS);
    items?.[open === 'first' ? 0 : items.length - 1]?.focus();
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer, true);
    return () => document.removeEventListener('pointerdown', onPointer, true);
  }, [open]);

  /** Closes the menu and gives the focus back to its button (Escape, or an item chosen). */
  const close = useCallback(() => {
    setOpen(false);
    button.current?.focus();
  }, []);

  const onButtonKeyDown = (e: KeyboardEvent<HTMLButtonElement>) => {
    // Enter and Space arrive as a click; the arrows open it from the keyboard too.
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    setOpen(e.key === 'ArrowDown' ? 'first' : 'last');
  };

  const onMenuKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>(ITEMS) ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const move = (index: number) => items[(index + items.length) % items.length]?.focus();
    if (e.key === 'ArrowDown') move(at + 1);
    else if (e.key === 'ArrowUp') move(at - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(items.length - 1);
    else if (e.key === 'Escape') close();
    else if (e.key === 'Tab') setOpen(false);
    else return;
    if (e.key !== 'Tab') e.preventDefault();
    // Escape here is the menu's: not the drawer's, nor a dialog's around it.
    e.stopPropagation();
  };

  return {
    open: open !== false,
    close,
    button,
    menu,
    buttonProps: {
      ref: button,
      'aria-haspopup': 'menu' as const,
      'aria-expanded': open !== false,
      onClick: () => setOpen((o) => (o ? false : 'first')),
      onKeyDown: onButtonKeyDown,
    },
    menuProps: { ref: menu, onKeyDown: onMenuKeyDown },
  };
}
