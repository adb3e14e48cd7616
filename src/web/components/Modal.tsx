import { type ReactNode, useEffect, useId, useRef } from 'react';
import { Icon } from './Icon.js';

/**
 * Where the focus goes when a dialog opens: an element marked `data-autofocus` (a question's
 * safe answer), else the first field — never the header's Close button.
 */
const FIELDS = 'input:not([type=hidden]), textarea, select';
const MARKED = '[data-autofocus]';

/**
 * A modal built on the native <dialog>: the browser traps focus, closes it on Escape and makes
 * the rest of the page inert, which is the accessible behaviour without a library.
 */
export function Modal({
  title,
  onClose,
  children,
  role,
  describedBy,
}: {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** `alertdialog` for a question that interrupts (screen readers read its description). */
  role?: 'alertdialog';
  describedBy?: string;
}) {
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
    const marked = dialog.querySelector<HTMLElement>(MARKED);
    (
      marked ?? [...dialog.querySelectorAll<HTMLElement>(FIELDS)].find((f) => !f.closest('.modal-header'))
    )?.focus();
  }, []);
  return (
    // Clicking the backdrop is a mouse shortcut; keyboard users close with Escape (native).
    // biome-ignore lint/a11y/useKeyWithClickEvents: Escape is handled by <dialog> itself
    <dialog
      ref={ref}
      className="modal"
      role={role}
      aria-labelledby={titleId}
      aria-describedby={describedBy}
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
