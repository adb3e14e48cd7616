import { type ReactNode, useEffect, useId, useRef } from 'react';
import { Icon } from './Icon.js';

/** Where typing goes when a dialog opens: its first field (never the header's Close button). */
const FIELDS = 'input:not([type=hidden]), textarea, select';

/**
 * A modal built on the native <dialog>: the browser traps focus, closes it on Escape and makes
 * the rest of the page inert, which is the accessible behaviour without a library.
 */
export function Modal({ title, onClose, children }: { title: string; onClose(): void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // No cleanup: closing in a cleanup would fire `close` (and so onClose) whenever React
  // re-runs effects; removing the element on unmount closes the dialog anyway.
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || dialog.open) return;
    dialog.showModal();
    // showModal() focuses the first focusable element — the Close button — after React's
    // autoFocus ran, so what the user types at once would be lost and Enter would close the
    // dialog. The dialog's first field takes the focus instead.
    [...dialog.querySelectorAll<HTMLElement>(FIELDS)]
      .find((field) => !field.closest('.modal-header'))
      ?.focus();
  }, []);
  return (
    // Clicking the backdrop is a mouse shortcut; keyboard users close with Escape (native).
    // biome-ignore lint/a11y/useKeyWithClickEvents: Escape is handled by <dialog> itself
    <dialog
      ref={ref}
      className="modal"
      aria-labelledby={titleId}
      onClose={onClose}
      onClick={(e) => {
        if (e.target === ref.current) onClose();
      }}
    >
      <div className="modal-body">
        <header className="modal-header">
          <h2 id={titleId}>{title}</h2>
          <button
            type="button"
            className="icon-button"
            aria-label="Close"
            onClick={() => ref.current?.close()}
          >
            <Icon name="x" />
          </button>
        </header>
        {children}
      </div>
    </dialog>
  );
}
