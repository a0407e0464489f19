import { useSyncExternalStore } from 'react';
import { CareChat, type Theme } from '@carechat/react';
import type { EmbedSession } from './embed-session.js';

/** The widget: what the session shows, in a layout sized by the host's frame, not the window. */
export function EmbedApp({ session, theme }: { session: EmbedSession; theme: Theme }) {
  const view = useSyncExternalStore(session.subscribe, session.getSnapshot);
  // The kit's list, thread and composer, without the app's bar and settings.
  if (view.kind === 'chat')
    return <CareChat client={view.store.client} theme={theme} className="embed-chat" notice={view.notice} />;
  const text =
    view.kind === 'waiting'
      ? 'Connecting to your messages…'
      : view.kind === 'signed-out'
        ? 'You are signed out of messages.'
        : `Your messages could not be opened (${view.code}). Try reloading the page.`;
  return (
    <p className={view.kind === 'failed' ? 'embed-status error' : 'embed-status muted'} role="status">
      {text}
    </p>
  );
}
