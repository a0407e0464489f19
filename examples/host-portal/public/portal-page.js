// @ts-check
/**
 * The portal's page: its own sign-in, and CareChat's /embed widget in an iframe, talked to
 * only with postMessage (protocol.md, "Embedding"). The CareChat token is fetched from the
 * portal's server when the widget asks for one, handed with postMessage, and never put in a
 * URL or in storage.
 */

/** @typedef {{ id: string, name: string, role: 'PATIENT' | 'DOCTOR' }} Person */
/** @type {{ carechatUrl: string, people: Person[], me: Person | null }} */
const config = await (await fetch('/config.json')).json();
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

if (!config.me) showSignIn();
else showCare(config.me);

function showSignIn() {
  $('sign-in').hidden = false;
  for (const person of config.people) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = `Sign in as ${person.name}`;
    button.addEventListener('click', async () => {
      await fetch('/sign-in', { method: 'POST', body: JSON.stringify({ id: person.id }) });
      location.reload();
    });
    const item = document.createElement('li');
    item.append(button);
    $('people').append(item);
  }
}

/** @param {Person} me */
function showCare(me) {
  $('care').hidden = false;
  $('who').textContent = `${me.name}`;
  const frame = document.createElement('iframe');
  frame.title = 'Messages';
  const embed = new URL('/embed', config.carechatUrl);
  embed.searchParams.set('parent', location.origin);
  frame.src = embed.toString();
  document.querySelector('.chat-frame-box')?.append(frame);
  /** @param {Record<string, unknown>} message */
  const tell = (message) => frame.contentWindow?.postMessage(message, config.carechatUrl);

  const handOverToken = async () => {
    const res = await fetch('/carechat-token', { method: 'POST' });
    if (res.ok) tell({ type: 'carechat:auth', token: (await res.json()).token });
  };

  // The people this person may write to: the portal knows its own appointments.
  for (const person of config.people.filter((p) => p.role !== me.role)) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = `Message ${person.name}`;
    button.addEventListener('click', () => tell({ type: 'carechat:open', withUserId: person.id }));
    $('contacts').append(button);
  }

  const signOut = $('sign-out');
  signOut.hidden = false;
  signOut.addEventListener('click', () => tell({ type: 'carechat:sign-out' }));

  const badge = $('chat-unread');
  const status = $('chat-status');
  window.addEventListener('message', (e) => {
    // Only the widget's own frame, from CareChat's origin.
    if (e.source !== frame.contentWindow || e.origin !== config.carechatUrl) return;
    const message = e.data;
    if (message.type === 'carechat:ready' || message.type === 'carechat:token-expiring') void handOverToken();
    else if (message.type === 'carechat:signed-in') status.textContent = `Messages open as ${message.user.name}`;
    else if (message.type === 'carechat:auth-failed') status.textContent = `Messages could not open (${message.code})`;
    else if (message.type === 'carechat:unread') {
      badge.textContent = String(message.count);
      badge.hidden = message.count === 0;
      badge.setAttribute('aria-label', `${message.count} unread messages`);
    } else if (message.type === 'carechat:signed-out') {
      status.textContent = 'Signed out of messages';
      badge.hidden = true;
      signOut.hidden = true;
      void fetch('/sign-out', { method: 'POST' });
    }
  });
}
