import { EMBED_ORIGINS_META } from '@carechat/protocol';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../styles.css';
import './embed.css';
import { EmbedApp } from './EmbedApp.js';
import { readEmbedParams } from './embed-params.js';
import { EmbedSession } from './embed-session.js';
import { HostLink } from './host-link.js';

const root = document.getElementById('root');
if (!root) throw new Error('embed.html has no #root element');
const allowed = document.querySelector<HTMLMetaElement>(`meta[name="${EMBED_ORIGINS_META}"]`)?.content ?? '';
const params = readEmbedParams(window.location.search, allowed);
// Opened on its own, the page has no host to talk to: nothing to post, nothing to accept.
const framed = window.parent !== window;

if ('error' in params || !framed) {
  const error = 'error' in params ? params.error : 'This chat is shown inside another site’s page.';
  createRoot(root).render(
    <p className="embed-status error" role="alert">
      {error}
    </p>,
  );
} else {
  // The page around the kit follows the theme too (the status lines before and after the chat).
  document.documentElement.dataset.theme = params.theme;
  const session = new EmbedSession(new HostLink(params.parent), params.withUserId);
  createRoot(root).render(
    <StrictMode>
      <EmbedApp session={session} theme={params.theme} />
    </StrictMode>,
  );
  session.start();
}
