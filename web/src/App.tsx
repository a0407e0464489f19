import { useCallback, useEffect, useMemo, useState } from 'react';
import type { User } from '@carechat/protocol';
import { api, ApiError } from './api/http.js';
import { AdminConsole } from './admin/AdminConsole.js';
import { IdleWarning } from './auth/IdleWarning.js';
import { SignIn } from './auth/SignIn.js';
import { fetchMe } from './auth/me.js';
import { TwoFactorPanel } from './auth/TwoFactorPanel.js';
import { TwoFactorRequired } from './auth/TwoFactorRequired.js';
import { forgetAllDrafts } from './chat/draftStore.js';
import { ChatStore } from './chat/store.js';
import { useChat } from './chat/useChat.js';
import { ConversationList } from './conversations/ConversationList.js';
import { ConversationView } from './thread/ConversationView.js';
import { NotificationSettings } from './notifications/NotificationSettings.js';
import { conversationFromUrl, registerServiceWorker, unsubscribe } from './notifications/push.js';

export function App() {
  const [me, setMe] = useState<User | null | undefined>(undefined);
  const [idleMinutes, setIdleMinutes] = useState(15);
  const [notice, setNotice] = useState<string | null>(null);
  const [mfaEnrollmentRequired, setMfaEnrollmentRequired] = useState(false);

  // The same person keeps the same `me` object: the chat store is built on it.
  const loadSession = useCallback(
    () =>
      fetchMe().then(
        (r) => {
          setMe((prev) => (prev?.id === r.user.id ? prev : r.user));
          setMfaEnrollmentRequired(r.mfaEnrollmentRequired);
        },
        // Signed out only when the server says so; a network blip keeps whoever is signed in.
        (err: unknown) => setMe((prev) => (prev && !(err instanceof ApiError && err.status === 401) ? prev : null)),
      ),
    [],
  );

  useEffect(() => {
    void loadSession();
    api<{ sessionIdleMinutes: number }>('GET', '/api/auth/options').then((o) => setIdleMinutes(o.sessionIdleMinutes), () => undefined);
    const signedOut = () => {
      // A shared computer must not go on notifying the person whose session ended here; the
      // server's copy goes when the push service next answers that it is gone.
      void unsubscribe();
      setNotice('Your session has ended. Please sign in again.');
      setMe(null);
    };
    // Any answer of 403 MFA_ENROLLMENT_REQUIRED (two-factor turned off on another device): ask again.
    const recheck = () => void loadSession();
    window.addEventListener('carechat:signed-out', signedOut);
    window.addEventListener('carechat:mfa-enrollment-required', recheck);
    return () => {
      window.removeEventListener('carechat:signed-out', signedOut);
      window.removeEventListener('carechat:mfa-enrollment-required', recheck);
    };
  }, [loadSession]);

  // Every way out (the Sign out button, idle expiry, a session the server ended, a page
  // opened after the session expired) ends here: what the last person wrote and did not send
  // does not wait in this browser for the next.
  useEffect(() => {
    if (me === null) forgetAllDrafts();
  }, [me]);

  if (me === undefined) return <p className="muted center">Loading…</p>;
  if (me === null)
    return (
      <SignIn
        notice={notice}
        onSignedIn={() => {
          setNotice(null);
          void loadSession();
        }}
      />
    );
  const expired = () => {
    // As at "Sign out": notifications stop on this browser first, while the session can still say so.
    void unsubscribe().finally(() => api('POST', '/api/auth/logout').catch(() => undefined));
    setNotice('You were signed out after a period without activity.');
    setMe(null);
  };
  const signedOut = () => setMe(null);
  const mfaChanged = () => void loadSession();
  return (
    <>
      <IdleWarning idleMinutes={idleMinutes} onExpired={expired} />
      {mfaEnrollmentRequired ? (
        <TwoFactorRequired me={me} onDone={mfaChanged} onSignOut={signedOut} />
      ) : me.role === 'ADMIN' ? (
        <AdminConsole me={me} onSignOut={signedOut} onMfaChanged={mfaChanged} />
      ) : (
        <Chat key={me.id} me={me} onSignOut={signedOut} onMfaChanged={mfaChanged} />
      )}
    </>
  );
}

function Chat({ me, onSignOut, onMfaChanged }: { me: User; onSignOut: () => void; onMfaChanged: () => void }) {
  const store = useMemo(() => new ChatStore(me), [me]);
  const state = useChat(store);
  useEffect(() => {
    // A handle for end-to-end tests and support sessions; it grants nothing the page lacks.
    (window as unknown as { __carechat?: ChatStore }).__carechat = store;
    // A notification's click opens its conversation: this page if open, else a new one with ?conversation=.
    const fromUrl = conversationFromUrl();
    if (fromUrl) void store.open(fromUrl);
    const stopWorker = registerServiceWorker((id) => void store.open(id));
    return () => {
      stopWorker();
      store.close();
    };
  }, [store]);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [twoFactorOpen, setTwoFactorOpen] = useState(false);

  const unread = Object.values(state.conversations).reduce((n, c) => n + c.unreadCount, 0);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) CareChat` : 'CareChat';
  }, [unread]);

  const handleSignOut = async () => {
    await store.logout();
    onSignOut();
  };

  return (
    <div className={state.openId ? 'layout thread-open' : 'layout'}>
      <header className="topbar">
        <strong>CareChat</strong>
        <span className="muted small">
          {me.name} · {me.role.toLowerCase()}
        </span>
        <button type="button" className="link" onClick={() => setSettingsOpen((o) => !o)} aria-expanded={settingsOpen}>
          Notifications
        </button>
        <button type="button" className="link" onClick={() => setTwoFactorOpen((o) => !o)} aria-expanded={twoFactorOpen}>
          Two-factor sign-in
        </button>
        <button type="button" className="link" onClick={() => void handleSignOut()}>
          Sign out
        </button>
      </header>
      {settingsOpen && <NotificationSettings onClose={() => setSettingsOpen(false)} />}
      {twoFactorOpen && <TwoFactorPanel onClose={() => setTwoFactorOpen(false)} onChanged={onMfaChanged} />}
      {state.connection !== 'online' && (
        <p className="banner" role="status">
          {state.connection === 'connecting' ? 'Connecting…' : 'Reconnecting… Messages you write will be sent when the connection returns.'}
        </p>
      )}
      <ConversationList store={store} />
      {state.openId ? (
        <ConversationView store={store} id={state.openId} />
      ) : (
        <section className="thread empty muted">Choose a conversation, or start a new one.</section>
      )}
    </div>
  );
}
