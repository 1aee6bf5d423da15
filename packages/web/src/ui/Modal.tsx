import { type FormEvent, type KeyboardEvent, type ReactNode, type RefObject, useId, useRef } from 'react';
import { useFocusTrap } from './focus';

/**
 * A modal dialog: focus stays inside it while it is open and goes back to where it was when it
 * closes; Escape or a click on the backdrop closes it. With `onSubmit` its panel is a form.
 * A dialog opened from another is rendered inside it, so Escape closes only the one on top.
 */
export function Dialog(props: { title: string; onClose: () => void; onSubmit?: () => void; className?: string; children: ReactNode }) {
  const titleId = useId();
  const panel = useRef<HTMLElement>(null);
  useFocusTrap(panel);
  const { onClose, onSubmit } = props;
  const common = {
    className: `modal${props.className ? ` ${props.className}` : ''}`,
    role: 'dialog',
    'aria-modal': true,
    'aria-labelledby': titleId,
    tabIndex: -1,
    onKeyDown: (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      onClose();
    },
  } as const;
  const content = (
    <>
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
    </>
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    e.stopPropagation();
    onSubmit?.();
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click beside the dialog closes it; keyboard users have Escape
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      {onSubmit ? (
        <form ref={panel as RefObject<HTMLFormElement>} {...common} onSubmit={submit}>
          {content}
        </form>
      ) : (
        <div ref={panel as RefObject<HTMLDivElement>} {...common}>
          {content}
        </div>
      )}
    </div>
  );
}

/** A form in a dialog: Escape, the backdrop or Cancel closes it, submitting runs `onSubmit`. */
export function Modal(props: {
  title: string;
  submitLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: string;
  onSubmit: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog title={props.title} onClose={props.onClose} onSubmit={props.onSubmit}>
      {props.children}
      {props.error && (
        <p className="error" role="alert">
          {props.error}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
        <button type="submit" className={props.danger ? 'danger' : 'primary'} disabled={props.busy}>
          {props.submitLabel}
        </button>
      </div>
    </Dialog>
  );
}
