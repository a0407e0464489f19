import { useSyncExternalStore } from 'react';
import { CareChat, type Locale, type Theme } from '@carechat/react';
import type { EmbedSession } from './embed-session.js';
import { EMBED_STRINGS } from './strings.js';

/**
 * The widget: what the session shows, in a layout sized by the host's frame, not the window.
 * `locale` picks the kit's strings and the widget's own alike (English unless one is given:
 * the embedding contract names no language yet).
 */
export function EmbedApp({ session, theme, locale = 'en' }: { session: EmbedSession; theme: Theme; locale?: Locale }) {
  const view = useSyncExternalStore(session.subscribe, session.getSnapshot);
  // The kit's list, thread and composer, without the app's bar and settings.
  if (view.kind === 'chat')
    return (
      <CareChat client={view.store.client} theme={theme} locale={locale} className="embed-chat" notice={view.notice} />
    );
  const t = EMBED_STRINGS[locale];
  const text = view.kind === 'waiting' ? t.waiting : view.kind === 'signed-out' ? t.signedOut : t.failed(view.code);
  return (
    <p className={view.kind === 'failed' ? 'embed-status error' : 'embed-status muted'} role="status">
      {text}
    </p>
  );
}
