import type { Conversation, Message, User } from '@carechat/protocol';
import type { ConnectionState } from './socket.js';
import type { PendingAcks } from './sync/acknowledgements.js';
import type { Conversations } from './sync/conversations.js';
import { withRevs, type Revs } from './sync/gaps.js';
import { EMPTY_OUTBOX, type Outbox } from './sync/outbox.js';
import type { PeerTyping } from './sync/typing.js';
import { withinWindow, type Thread } from './sync/window.js';
import { withAckMessage } from './sync/acknowledgements.js';
import { withConversationMarks, type Watermarks } from './sync/watermarks.js';

/** Everything a view renders, replaced (never changed in place) at each change. */
export interface ClientState {
  /** The signed-in person; null until the server has said who. */
  me: User | null;
  connection: ConnectionState;
  conversations: Conversations;
  /** The loaded message window of each conversation opened so far. */
  threads: Readonly<Record<string, Thread>>;
  /** Messages written and not yet acked, oldest first, and those refused for good. */
  outbox: Outbox;
  /** Who else is typing now, per conversation id (`typistsOf` names them). */
  typing: PeerTyping;
  openId: string | null;
  /** Whether the conversation list shows the archive. */
  archivedView: boolean;
  /** A clinician's triage view: only the conversations whose patient waits for a reply, longest waiting first. */
  needsReplyView: boolean;
  revs: Revs;
  /** A clinician's messages waiting for acknowledgement; null until loaded. */
  pendingAcks: PendingAcks;
  /** How far each other participant read and received, per conversation: who read a message. */
  watermarks: Watermarks;
}

export const initialState = (me: User | null): ClientState => ({
  me,
  connection: 'connecting',
  conversations: {},
  threads: {},
  outbox: EMPTY_OUTBOX,
  typing: {},
  openId: null,
  archivedView: false,
  needsReplyView: false,
  revs: {},
  pendingAcks: null,
  watermarks: {},
});

/** The state and its listeners: each change makes a new snapshot and tells every listener once. */
export class StateContainer {
  private listeners = new Set<() => void>();

  constructor(private state: ClientState) {}

  get = (): ClientState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  set(patch: Partial<ClientState>): void {
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((l) => l());
  }

  upsertConversation(c: Conversation): void {
    this.setConversations({ ...this.state.conversations, [c.id]: c });
  }

  /** The conversations replaced; the watermarks their JSON names are taken in. */
  setConversations(conversations: Conversations, patch: Partial<ClientState> = {}): void {
    const myId = this.state.me?.id;
    let watermarks = this.state.watermarks;
    if (myId) for (const c of Object.values(conversations)) watermarks = withConversationMarks(watermarks, c, myId);
    this.set({ ...patch, conversations, watermarks });
  }

  /** A conversation changed by a pure transition; nothing happens to one not loaded. */
  updateConversation(id: string, change: (c: Conversation) => Conversation): void {
    const c = this.state.conversations[id];
    if (!c) return;
    const next = change(c);
    if (next !== c) this.upsertConversation(next);
  }

  /**
   * A thread replaced; the revs of its messages and of `seen` (changes that did not fit the
   * window) are noted, so catch-up resumes after them.
   */
  setThread(id: string, thread: Thread, seen: readonly Message[] = []): void {
    this.set({
      threads: { ...this.state.threads, [id]: thread },
      revs: withRevs(withRevs(this.state.revs, thread.items), seen),
    });
  }

  /** A message (new or changed) merged into its loaded thread, its rev noted either way. */
  applyMessage(m: Message): void {
    const thread = this.state.threads[m.conversationId];
    const pendingAcks = withAckMessage(
      this.state.pendingAcks,
      m,
      this.state.me?.id ?? '',
      this.state.conversations[m.conversationId],
    );
    this.set({
      revs: withRevs(this.state.revs, [m]),
      pendingAcks,
      ...(thread ? { threads: { ...this.state.threads, [m.conversationId]: withinWindow(thread, [m]) } } : {}),
    });
  }
}
