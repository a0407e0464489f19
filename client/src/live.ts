import type { Conversation, Message, Receipt } from '@carechat/protocol';
import type { CatchUp } from './catch-up.js';
import type { Core, SignOutReason } from './core.js';
import { withDeleted } from './sync/changes.js';
import { withNewMessage, withPresence } from './sync/conversations.js';
import { missedChanges, skipsSeq } from './sync/gaps.js';
import { withReceipt } from './sync/receipts.js';
import { withPeerTyping, withoutTypist } from './sync/typing.js';
import { withReceiptMark } from './sync/watermarks.js';

export interface LiveHooks {
  catchUp: CatchUp;
  /** A conversation this client has not loaded yet spoke: the list needs reloading. */
  reloadConversations(): void;
  markRead(conversationId: string): void;
  signedOut(reason: SignOutReason): void;
  /** I no longer take part in a conversation: nothing of it may stay, drafts and outbox included. */
  removed(conversationId: string): void;
}

/** The server's events, each applied to the state through its pure transition. */
export function wireLive(core: Core, hooks: LiveHooks): void {
  const s = core.socket.socket;
  const { state } = core;
  const myId = () => core.me()?.id;

  s.on('chat:message', (m) => onMessage(core, hooks, m));
  s.on('chat:edited', (m) => state.applyMessage(m));
  s.on('chat:reaction', (m) => state.applyMessage(m));
  s.on('chat:acknowledged', (m) => state.applyMessage(m));
  s.on('chat:deleted', (e) => {
    const thread = state.get().threads[e.conversationId];
    if (thread) state.setThread(e.conversationId, withDeleted(thread, e, new Date(core.clock.now()).toISOString()));
  });
  s.on('chat:read', (r) => onReceipt(core, 'read', r));
  s.on('chat:delivered', (r) => onReceipt(core, 'delivered', r));
  s.on('chat:typing', (e) => {
    const typing = withPeerTyping(state.get().typing, e, myId() ?? '');
    if (typing !== state.get().typing) state.set({ typing });
  });
  s.on('presence:update', (p) => state.set({ conversations: withPresence(state.get().conversations, p) }));
  s.on('conversation:updated', (c) => onConversationUpdated(core, hooks, c));
  s.on('conversation:removed', (e) => hooks.removed(e.conversationId));
  s.on('session:ended', (e) => hooks.signedOut(e.reason === 'logout' ? 'sign-out' : e.reason));
  s.on('connect_error', (err) => {
    if (err.message === 'UNAUTHENTICATED') hooks.signedOut('unauthenticated');
  });
}

/** Someone's receipt: who read (or received) what, and the other side's ticks. */
function onReceipt(core: Core, kind: 'read' | 'delivered', r: Receipt): void {
  const { state } = core;
  const myId = core.me()?.id;
  // Until the server has said who I am, my own receipts could not be told from others'.
  if (!myId) return;
  const watermarks = withReceiptMark(state.get().watermarks, kind, r, myId);
  if (watermarks !== state.get().watermarks) state.set({ watermarks });
  state.updateConversation(r.conversationId, (c) => withReceipt(c, kind, r, myId));
}

function onMessage(core: Core, hooks: LiveHooks, m: Message): void {
  const { state } = core;
  const before = state.get();
  const mine = m.senderId === before.me?.id;
  const seenRev = before.revs[m.conversationId] ?? 0;
  const gap = skipsSeq(before.threads[m.conversationId], m);
  state.applyMessage(m);
  // A seq skipped: fetch what changed since before this one.
  if (gap) hooks.catchUp.soon(m.conversationId, seenRev);
  if (!mine) {
    // A receipt lost now is covered by the next one: delivery watermarks only rise.
    void core.socket
      .send('chat:delivered', { conversationId: m.conversationId, upToSeq: m.seq })
      .catch(() => undefined);
    // Their message ends their typing at once; anyone else still typing stays shown.
    const typing = withoutTypist(state.get().typing, m.conversationId, m.senderId);
    if (typing !== state.get().typing) state.set({ typing });
  }
  if (!mine) core.events.emit('message', m);
  if (!before.conversations[m.conversationId]) return hooks.reloadConversations();
  state.updateConversation(m.conversationId, (c) => withNewMessage(c, m, mine));
  if (!mine && before.openId === m.conversationId && core.isVisible()) hooks.markRead(m.conversationId);
}

/**
 * A conversation whose lastRev is past what this client has seen missed events (a server's
 * fan-out was interrupted): its loaded thread catches up at once, not at the next reconnect.
 */
function onConversationUpdated(core: Core, hooks: LiveHooks, c: Conversation): void {
  core.state.upsertConversation(c);
  if (core.state.get().threads[c.id] && missedChanges(core.state.get().revs, c)) hooks.catchUp.soon(c.id);
}
