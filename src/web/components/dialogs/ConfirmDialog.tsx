import { type ReactNode, useId, useRef } from 'react';
import { Modal } from '../Modal.js';

/** A question to ask before something that cannot be undone. */
export interface ConfirmRequest {
  title: string;
  /** What is lost, in a sentence or two. */
  body: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
}

/**
 * An in-app confirm (never `window.confirm`, which blocks the page, cannot be styled and says
 * "This page says"). The focus starts on Cancel: the action it guards destroys something, and
 * the WAI-ARIA alert dialog pattern and the platforms' own destructive prompts (macOS, GNOME)
 * put the default on the choice that loses nothing, so a reflexive Enter is harmless. The
 * confirming button is styled as danger. Escape, the backdrop and Close all cancel.
 */
export function ConfirmDialog({
  request,
  onAnswer,
}: {
  request: ConfirmRequest;
  onAnswer(confirmed: boolean): void;
}) {
  const bodyId = useId();
  // The dialog's `close` event also fires when it is closed by a confirm: answer once.
  const answered = useRef(false);
  const answer = (confirmed: boolean) => {
    if (answered.current) return;
    answered.current = true;
    onAnswer(confirmed);
  };
  return (
    <Modal title={request.title} onClose={() => answer(false)} role="alertdialog" describedBy={bodyId}>
      <div id={bodyId} className="confirm-body">
        {request.body}
      </div>
      <div className="confirm-actions">
        <button type="button" data-autofocus onClick={() => answer(false)}>
          {request.cancelLabel ?? 'Cancel'}
        </button>
        <button type="button" className="danger" onClick={() => answer(true)}>
          {request.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
