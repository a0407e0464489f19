import { useEffect, useId, useRef, type RefObject } from 'react';
import { useKit } from '../chat/context.js';

interface Props {
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => void;
  /** Cancel, Escape or a click on the backdrop. */
  onCancel: () => void;
  /** Where focus goes when the dialog closes (the button that led to it), not where the browser would put it. */
  returnFocus: RefObject<HTMLElement | null>;
}

/**
 * A question that must be answered before an action that cannot be undone: a modal <dialog>
 * (the browser keeps focus inside it and the page behind it inert), Cancel focused first so a
 * stray Enter does nothing harmful.
 */
export function ConfirmDialog({ title, body, confirmLabel, onConfirm, onCancel, returnFocus }: Props) {
  const { strings: t } = useKit();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const id = useId();
  useEffect(() => {
    const el = dialog.current;
    const back = returnFocus.current;
    if (el && !el.open) el.showModal?.();
    cancel.current?.focus();
    return () => {
      el?.close?.();
      back?.focus();
    };
  }, [returnFocus]);
  return (
    <dialog
      ref={dialog}
      className="confirm"
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(e) => (e.preventDefault(), onCancel())}
      onClick={(e) => e.target === dialog.current && onCancel()}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <p id={`${id}-body`}>{body}</p>
      <div className="row">
        <button ref={cancel} type="button" className="secondary" onClick={onCancel}>
          {t.cancel}
        </button>
        <button type="button" className="danger" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
