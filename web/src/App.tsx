import { useCallback, useEffect, useMemo, useState } from 'react';
import type { User } from '@carechat/protocol';
import { defaultStorage, forgetStored } from '@carechat/client';
import { CareChat } from '@carechat/react';
import { api, ApiError } from './api/http.js';
import { AdminConsole } from './admin/AdminConsole.js';
import { IdleWarning } from './auth/IdleWarning.js';
import { SignIn } from './auth/SignIn.js';
import { fetchMe } from './auth/me.js';
import { TwoFactorRequired } from './auth/TwoFactorRequired.js';
import { ChatStore } from './chat/store.js';
import { TopBar } from './chat/TopBar.js';
import { conversationFromUrl, devicePush, registerServiceWorker } from './notifications/push.js';

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

  // The next person at this computer is told this browser may still show the last one's notifications.
  const pushStillOn = useCallback((err: Error) => setNotice((notice) => `${notice ?? ''} ${err.message}`.trim()), []);

  useEffect(() => {
    void loadSession();
    api<{ sessionIdleMinutes: number }>('GET', '/api/auth/options').then(
      (o) => setIdleMinutes(o.sessionIdleMinutes),
      () => undefined,
    );
    const signedOut = () => {
      // A shared computer must not go on notifying the person whose session ended here; the
      // server's copy goes when the push service next answers that it is gone.
      devicePush.unsubscribe().catch(pushStillOn);
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
  }, [loadSession, pushStillOn]);

  // Every way out (the Sign out button, idle expiry, a session the server ended, a page
  // opened after the session expired) ends here: what the last person wrote and did not send
  // does not wait in this browser for the next.
  useEffect(() => {
    if (me === null) void forgetStored(defaultStorage());
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
    void devicePush
      .unsubscribe()
      .catch(pushStillOn)
      .finally(() => api('POST', '/api/auth/logout').catch(() => undefined));
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
  useEffect(() => {
    // A handle for end-to-end tests and support sessions; it grants nothing the page lacks.
    (window as unknown as { __carechat?: ChatStore }).__carechat = store;
    // A notification's click opens its conversation: this page if open, else a new one with ?conversation=.
    const fromUrl = conversationFromUrl();
    if (fromUrl) void store.client.open(fromUrl);
    const stopWorker = registerServiceWorker((id) => void store.client.open(id));
    // The unread count in the tab's title; the next person's page starts from none.
    const title = (total: number) => void (document.title = total > 0 ? `(${total}) CareChat` : 'CareChat');
    title(0);
    const stopTitle = store.client.on('unread', ({ total }) => title(total));
    return () => {
      stopTitle();
      title(0);
      stopWorker();
      store.close();
    };
  }, [store]);

  const handleSignOut = async () => {
    await store.logout();
    onSignOut();
  };

  return (
    <CareChat
      client={store.client}
      className="app-chat"
      header={<TopBar me={me} onSignOut={() => void handleSignOut()} onMfaChanged={onMfaChanged} />}
    />
  );
}
