/**
 * The portal's second page: CareChat's React kit in the portal's own page, no frame. The
 * client talks to CareChat across origins (CORS, the token in the Authorization header) with a
 * token the portal's server mints; the header's badge follows the client's `unread` event.
 */
import { createRoot } from 'react-dom/client';
import { CareChatClient } from '@carechat/client';
import { CareChat } from '@carechat/react';

interface Config {
  carechatUrl: string;
  me: { id: string; name: string } | null;
}

const config = (await (await fetch('/config.json')).json()) as Config;
const $ = (id: string) => document.getElementById(id) as HTMLElement;

/** A CareChat token for whoever is signed in to the portal, minted by the portal's server. */
async function carechatToken(): Promise<string> {
  const res = await fetch('/carechat-token', { method: 'POST' });
  if (!res.ok) throw new Error(`the portal gave no token (${res.status})`);
  return ((await res.json()) as { token: string }).token;
}

if (!config.me) {
  $('chat-status').textContent = 'Sign in to the portal first.';
} else {
  $('who').textContent = config.me.name;
  const client = new CareChatClient({ url: config.carechatUrl, token: await carechatToken() });
  const badge = $('chat-unread');
  client.on('unread', ({ total }) => {
    badge.textContent = String(total);
    badge.hidden = total === 0;
    badge.setAttribute('aria-label', `${total} unread messages`);
  });
  // A fresh token before this one ends: the chat goes on without a reload.
  client.on('token-expiring', () => void carechatToken().then((token) => client.setToken(token)));
  client.on('signed-out', () => {
    $('chat-status').textContent = 'Signed out of messages';
    badge.hidden = true;
    $('sign-out').hidden = true;
    void fetch('/sign-out', { method: 'POST' });
  });
  const signOut = $('sign-out');
  signOut.hidden = false;
  signOut.addEventListener('click', () => void client.signOut());
  createRoot($('kit')).render(<CareChat client={client} />);
}
