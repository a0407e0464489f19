import { TwoFactorSettings } from './TwoFactorSettings.js';

/** The top bar's "Two-factor sign-in" panel, for everyone; Escape or Close puts it away. */
export function TwoFactorPanel({ onClose, onChanged }: { onClose: () => void; onChanged: (enabled: boolean) => void }) {
  return (
    <div
      className="settings-panel"
      role="dialog"
      aria-label="Two-factor sign-in"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <TwoFactorSettings onChanged={onChanged} />
      <button type="button" className="link" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
