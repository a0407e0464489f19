import type { ClockTimer } from './clock.js';
import type { Core } from './core.js';
import { TYPING_IDLE_MS, typingSignal, type TypingSent } from './sync/typing.js';

/** This person's typing, told to the other side: throttled starts, a stop on send or after a pause. */
export class TypingSignals {
  private sent: TypingSent = {};
  private readonly idle = new Map<string, ClockTimer>();

  constructor(private readonly core: Core) {}

  /** A keystroke (true) or a send or pause (false) in a conversation. */
  set(conversationId: string, active: boolean): void {
    const clock = this.core.clock;
    const timer = this.idle.get(conversationId);
    if (timer) clock.clearTimeout(timer);
    this.idle.delete(conversationId);
    const { sent, emit } = typingSignal(this.sent, conversationId, active, clock.now());
    this.sent = sent;
    if (active)
      this.idle.set(
        conversationId,
        clock.setTimeout(() => this.set(conversationId, false), TYPING_IDLE_MS),
      );
    // Typing is a hint: one lost costs nothing, and the server ends it by itself.
    if (emit) void this.core.socket.send(emit, { conversationId }).catch(() => null);
  }

  close(): void {
    this.idle.forEach((t) => this.core.clock.clearTimeout(t));
    this.idle.clear();
  }
}
