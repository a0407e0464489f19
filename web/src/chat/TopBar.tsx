import { useState } from 'react';
import { isClinician, type User } from '@carechat/protocol';
import { NotificationSettings, SavedRepliesPanel, useKit } from '@carechat/react';
import { AccountMenu } from '../account/AccountMenu.js';
import { TwoFactorPanel } from '../auth/TwoFactorPanel.js';

interface Props {
  me: User;
  onSignOut: () => void;
  onMfaChanged: () => void;
}

/** The app's bar above the chat: who is signed in, notification and two-factor settings, saved replies, sign-out. */
export function TopBar({ me, onSignOut, onMfaChanged }: Props) {
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [twoFactorOpen, setTwoFactorOpen] = useState(false);
  const [savedRepliesOpen, setSavedRepliesOpen] = useState(false);
  const { strings: t } = useKit();
  return (
    <>
      <header className="topbar">
        <strong>CareChat</strong>
        <span className="muted small who">
          {me.name} · {me.role.toLowerCase()}
        </span>
        <AccountMenu
          actions={[
            { label: 'Notifications', onSelect: () => setSettingsOpen((o) => !o), expanded: settingsOpen },
            ...(isClinician(me.role)
              ? [{ label: t.savedReplies, onSelect: () => setSavedRepliesOpen((o) => !o), expanded: savedRepliesOpen }]
              : []),
            { label: 'Two-factor sign-in', onSelect: () => setTwoFactorOpen((o) => !o), expanded: twoFactorOpen },
            { label: 'Sign out', onSelect: onSignOut },
          ]}
        />
      </header>
      {settingsOpen && <NotificationSettings onClose={() => setSettingsOpen(false)} />}
      {savedRepliesOpen && <SavedRepliesPanel onClose={() => setSavedRepliesOpen(false)} />}
      {twoFactorOpen && <TwoFactorPanel onClose={() => setTwoFactorOpen(false)} onChanged={onMfaChanged} />}
    </>
  );
}
