import { TYPING_EXPIRY_MS } from '@carechat/protocol';
import type { ClockTimer } from '../clock.js';
import type { Actor, Deps } from '../context.js';
import { assertParticipant, othersOf } from '../conversations/access.js';
import { findConversationAccess } from '../conversations/conversations.store.js';
import type { Notifier } from '../realtime/notifier.js';

/** Typing indicators: nothing is stored; "typing" ends by itself 5 s after the last start. */
export class TypingService {
  private readonly timers = new Map<string, { timer: ClockTimer; peers: string[] }>();

  constructor(
    private readonly deps: Deps,
    private readonly notifier: Notifier,
  ) {}

  async start(actor: Actor, conversationId: string): Promise<void> {
    const peers = await this.peers(actor, conversationId);
    const key = `${conversationId}:${actor.id}`;
    const running = this.timers.get(key);
    if (running) this.deps.clock.clearTimeout(running.timer);
    else this.notifier.toUsers(peers, 'chat:typing', { conversationId, userId: actor.id, isTyping: true });
    const timer = this.deps.clock.setTimeout(() => this.end(key, conversationId, actor.id), TYPING_EXPIRY_MS);
    // Each start reads the participants afresh: the end goes to whoever takes part by then.
    this.timers.set(key, { timer, peers });
  }

  async stop(actor: Actor, conversationId: string): Promise<void> {
    await this.peers(actor, conversationId);
    this.end(`${conversationId}:${actor.id}`, conversationId, actor.id);
  }

  /** A sent message also ends typing, as people expect. */
  stopped(conversationId: string, userId: string): void {
    this.end(`${conversationId}:${userId}`, conversationId, userId);
  }

  close(): void {
    for (const { timer } of this.timers.values()) this.deps.clock.clearTimeout(timer);
    this.timers.clear();
  }

  private end(key: string, conversationId: string, userId: string): void {
    const running = this.timers.get(key);
    if (!running) return;
    this.deps.clock.clearTimeout(running.timer);
    this.timers.delete(key);
    this.notifier.toUsers(running.peers, 'chat:typing', { conversationId, userId, isTyping: false });
  }

  /** Everyone else in the conversation: the patient, the doctor and the care team but the typist. */
  private async peers(actor: Actor, conversationId: string): Promise<string[]> {
    const conv = await findConversationAccess(this.deps.db, conversationId);
    assertParticipant(conv, actor);
    return othersOf(conv, actor.id);
  }
}
