import type { User } from '@carechat/protocol';
import { api } from '../api/http.js';
import { TwoFactorSettings } from './TwoFactorSettings.js';

/**
 * Shown in place of the app when the server says this session must set up two-factor sign-in
 * (MFA_REQUIRED_ROLES): it answers nothing else until then. Confirming frees the same session.
 */
export function TwoFactorRequired({ me, onDone, onSignOut }: { me: User; onDone: () => void; onSignOut: () => void }) {
  const handleSignOut = async () => {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    onSignOut();
  };
  return (
    <main className="signin">
      <div className="signin-card" role="region" aria-label="Set up two-factor sign-in">
        <h1>CareChat</h1>
        <p className="muted">
          Signed in as {me.name} ({me.role.toLowerCase()}). Before you continue, protect your account with a second step
          at sign-in.
        </p>
        <TwoFactorSettings required onChanged={(enabled) => enabled && onDone()} />
        <button type="button" className="link" onClick={() => void handleSignOut()}>
          Sign out
        </button>
      </div>
    </main>
  );
}
