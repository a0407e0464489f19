import { useEffect, useId, useRef, useState } from 'react';

export interface AccountAction {
  label: string;
  onSelect: () => void;
  /** For actions that open a panel: whether it is open (aria-expanded). */
  expanded?: boolean;
}

/**
 * The signed-in person's actions (settings, sign-out) in the bar: in a row on a wide screen, behind one
 * "Account menu" button on a phone, where a row of them would push the page wider than the screen. One set
 * of buttons either way (CSS decides), so a screen reader meets the same names at every width.
 */
export function AccountMenu({ actions }: { actions: AccountAction[] }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const escape = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      root.current?.querySelector<HTMLButtonElement>('.account-toggle')?.focus();
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);

  return (
    <div className="account" ref={root}>
      <button
        type="button"
        className="account-toggle"
        aria-label="Account menu"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">☰</span>
      </button>
      <div id={id} className={open ? 'account-actions open' : 'account-actions'}>
        {actions.map((action) => (
          <button
            key={action.label}
            type="button"
            className="link"
            aria-expanded={action.expanded}
            onClick={() => {
              setOpen(false);
              action.onSelect();
            }}
          >
            {action.label}
          </button>
        ))}
      </div>
    </div>
  );
}
