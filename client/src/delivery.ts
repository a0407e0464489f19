import type { Attachment } from '@carechat/protocol';
import type { ClockTimer } from './clock.js';
import type { Core } from './core.js';
import { newClientMessageId } from './ids.js';
import type { PersistedValue } from './storage.js';
import * as outbox from './sync/outbox.js';
import type { Outbox, PendingMessage } from './sync/outbox.js';

export interface SendExtras {
  replyToId?: string;
  attachments?: Attachment[];
  attachmentIds?: string[];
  /** A clinician asks the patient to confirm they read it ("Ask to acknowledge"). */
  requestAck?: boolean;
  /** A patient marks it urgent. */
  urgent?: boolean;
}

/**
 * Sends the outbox in order, one message at a time, each with its own clientMessageId, so a
 * resend is never a duplicate. A message the server could not take just now (unavailable,
 * rate limited, no ack in time, offline) stops the queue behind it, and it goes again after a
 * growing pause (1 s doubling to 30 s) without waiting for a reconnect; a reconnect sends at once.
 */
export class Delivery {
  private running = false;
  private timer: ClockTimer | undefined;
  private stored: PersistedValue | null = null;
  private closed = false;

  constructor(private readonly core: Core) {}

  /** Queues a message and sends it; offline it waits, and goes with the same id on reconnect. */
  send(conversationId: string, content: string, extras: SendExtras = {}): PendingMessage {
    const attachmentIds = extras.attachmentIds ?? extras.attachments?.map((a) => a.id);
    const item = {
      clientMessageId: newClientMessageId(),
      conversationId,
      content,
      ...(extras.replyToId ? { replyToId: extras.replyToId } : {}),
      ...(attachmentIds?.length ? { attachmentIds } : {}),
      ...(extras.requestAck ? { requestAck: true } : {}),
      ...(extras.urgent ? { urgent: true } : {}),
    };
    const next = outbox.enqueue(this.current(), item, this.core.clock.now());
    this.update(next);
    void this.run();
    return next.items[next.items.length - 1] as PendingMessage;
  }

  discard(clientMessageId: string): void {
    this.update(outbox.discard(this.core.state.get().outbox, clientMessageId));
  }

  /**
   * Reads back what this person left unsent (a reload, a closed tab) and keeps writing there.
   * Stored messages go first: they were written before anything written on this page.
   */
  async restore(stored: PersistedValue): Promise<void> {
    const saved = outbox.fromStoredOutbox(await stored.read());
    if (this.closed) return;
    this.stored = stored;
    const current = this.core.state.get().outbox;
    const known = new Set(current.items.map((i) => i.clientMessageId));
    this.update({ ...current, items: [...saved.items.filter((i) => !known.has(i.clientMessageId)), ...current.items] });
    void this.run();
  }

  /** A reconnect: the pause ends and the queue goes now. */
  retryNow(): void {
    if (this.timer) this.core.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.update(outbox.retryNow(this.core.state.get().outbox));
    void this.run();
  }

  /** The outbox changed outside the queue (a conversation removed, its messages with it): storage follows. */
  persist(): void {
    if (!this.closed) this.stored?.write(outbox.toStoredOutbox(this.current()));
  }

  close(): void {
    this.closed = true;
    if (this.timer) this.core.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async run(): Promise<void> {
    if (this.running || this.timer || this.closed) return;
    this.running = true;
    try {
      for (
        let item = outbox.nextToSend(this.current());
        item && !this.closed;
        item = outbox.nextToSend(this.current())
      ) {
        if (!(await this.deliver(item))) {
          this.timer = this.core.clock.setTimeout(() => {
            this.timer = undefined;
            void this.run();
          }, this.current().retryDelayMs);
          return;
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Sends one message; false when it should go again later. */
  private async deliver(item: PendingMessage): Promise<boolean> {
    let ack;
    try {
      ack = await this.core.socket.send('chat:message', outbox.toSendInput(item));
    } catch {
      this.update(outbox.deferred(this.current()));
      return false;
    }
    if (ack.ok) {
      this.core.state.applyMessage(ack.message);
      this.update(outbox.acked(this.current(), item.clientMessageId));
      return true;
    }
    this.update(outbox.refused(this.current(), item.clientMessageId, ack.error));
    return !outbox.isRetryable(ack.error.code);
  }

  private current = (): Outbox => this.core.state.get().outbox;

  private update(next: Outbox): void {
    if (next === this.current()) return;
    this.core.state.set({ outbox: next });
    if (!this.closed) this.stored?.write(outbox.toStoredOutbox(next));
  }
}
