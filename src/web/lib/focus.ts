/**
 * Focus moves the browser does not make by itself: past a composite widget (the message list is
 * one tab stop, however many buttons its rows hold) and to the composer from a skip link.
 */

const CANDIDATES =
  'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]';

/** What Tab would stop on, in document order (Parley sets no positive tabindex). */
export function tabbables(root: ParentNode = document): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(CANDIDATES)].filter(
    (el) =>
      el.tabIndex >= 0 &&
      !el.closest('[inert], dialog:not([open]), [popover]:not(:popover-open)') &&
      el.getClientRects().length > 0 &&
      getComputedStyle(el).visibility !== 'hidden',
  );
}

/** Focuses the first stop after `container` (outside it); false when there is none. */
export function focusAfter(container: Element): boolean {
  const next = tabbables().find(
    (el) =>
      !container.contains(el) && container.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING,
  );
  next?.focus();
  return Boolean(next);
}

/** Focuses the last stop before `container` (outside it); false when there is none. */
export function focusBefore(container: Element): boolean {
  const previous = tabbables()
    .filter(
      (el) =>
        !container.contains(el) && container.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING,
    )
    .at(-1);
  previous?.focus();
  return Boolean(previous);
}

/** The open room's message box, where a skip link or a Reply sends the focus. */
export function focusComposer(): boolean {
  const box = document.querySelector<HTMLTextAreaElement>('.composer textarea');
  box?.focus();
  return Boolean(box);
}

/**
 * Whether the person has pressed a key or a pointer on this page since it loaded (the browser's
 * own `userActivation` survives a reload in Chromium, so it cannot tell a fresh page).
 */
let interacted = false;
if (typeof window !== 'undefined') {
  for (const type of ['pointerdown', 'keydown'])
    window.addEventListener(type, () => (interacted = true), { capture: true, once: true });
}
export const hasInteracted = () => interacted;
