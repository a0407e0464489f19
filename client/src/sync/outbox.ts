import type { ErrorBody, ErrorCode, MessageSendInput } from '@carechat/protocol';

/**
 * Messages written but not yet acked. Each keeps its clientMessageId, so sending it again
 * after a reconnect or a refusal can never create a duplicate on the server.
 */
export interface PendingMessage {
  clientMessageId: string;
  conversationId: string;
  content: string;
  replyToId?: string;
  attachmentIds?: string[];
  /** A clinician asks the patient to confirm they read it. */
  requestAck?: boolean;
  /** A patient's urgent message. */
  urgent?: boolean;
  createdAt: string;
  state: 'pending' | 'failed';
  /** Why a failed message was refused: the server's words and code. */
  error?: string;
  code?: ErrorCode;
}

export interface Outbox {
  /** Oldest first: the order they were written in, and the order they go in. */
  items: readonly PendingMessage[];
  /** The pause before the next attempt after one the server could not take; 0 after a success. */
  retryDelayMs: number;
}

export const EMPTY_OUTBOX: Outbox = Object.freeze({ items: [], retryDelayMs: 0 });
export const FIRST_RETRY_MS = 1000;
export const LAST_RETRY_MS = 30_000;

/** Refusals that say "not now" rather than "never": the message waits and goes again. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['SERVICE_UNAVAILABLE', 'RATE_LIMITED', 'INTERNAL']);
export const isRetryable = (code: ErrorCode): boolean => RETRYABLE.has(code);

export type NewPending = Omit<PendingMessage, 'state' | 'createdAt' | 'error' | 'code'>;

export const enqueue = (outbox: Outbox, item: NewPending, now: number): Outbox => ({
  ...outbox,
  items: [...outbox.items, { ...item, state: 'pending', createdAt: new Date(now).toISOString() }],
});

/**
 * The next message to send: the oldest still pending. One goes at a time, so a retried
 * message never lands after a later one of its conversation.
 */
export const nextToSend = (outbox: Outbox): PendingMessage | undefined =>
  outbox.items.find((i) => i.state === 'pending');

/** Acked: the message is durable on the server and leaves the outbox; the back-off starts over. */
export const acked = (outbox: Outbox, clientMessageId: string): Outbox => ({
  items: outbox.items.filter((i) => i.clientMessageId !== clientMessageId),
  retryDelayMs: 0,
});

/** No answer (offline, no ack in time) or a refusal for now: wait longer, 1 s doubling up to 30 s. */
export const deferred = (outbox: Outbox): Outbox => ({
  ...outbox,
  retryDelayMs: Math.min(Math.max(outbox.retryDelayMs * 2, FIRST_RETRY_MS), LAST_RETRY_MS),
});

/** A reconnect: whatever waited goes at once. */
export const retryNow = (outbox: Outbox): Outbox => (outbox.retryDelayMs ? { ...outbox, retryDelayMs: 0 } : outbox);

/** The server refused: for now (back-off), or for good (the message stays, failed, for the person to see). */
export function refused(outbox: Outbox, clientMessageId: string, error: ErrorBody): Outbox {
  if (isRetryable(error.code)) return deferred(outbox);
  return {
    ...outbox,
    items: outbox.items.map((i) =>
      i.clientMessageId === clientMessageId ? { ...i, state: 'failed', error: error.message, code: error.code } : i,
    ),
  };
}

/** The person discarded a message (a failed one, say). */
export const discard = (outbox: Outbox, clientMessageId: string): Outbox => {
  const items = outbox.items.filter((i) => i.clientMessageId !== clientMessageId);
  return items.length === outbox.items.length ? outbox : { ...outbox, items };
};

export const pendingIn = (outbox: Outbox, conversationId: string): PendingMessage[] =>
  outbox.items.filter((i) => i.conversationId === conversationId);

/** The socket event that sends a pending message. */
export const toSendInput = (item: PendingMessage): MessageSendInput => ({
  conversationId: item.conversationId,
  clientMessageId: item.clientMessageId,
  ...(item.content ? { content: item.content } : {}),
  ...(item.replyToId ? { replyToId: item.replyToId } : {}),
  ...(item.attachmentIds ? { attachmentIds: item.attachmentIds } : {}),
  ...(item.requestAck ? { requestAck: true } : {}),
  ...(item.urgent ? { urgent: true } : {}),
});

// ---- across a reload ---------------------------------------------------------------------

/** What storage keeps: the messages alone (a back-off starts afresh on the next page). */
export const toStoredOutbox = (outbox: Outbox): string | null =>
  outbox.items.length ? JSON.stringify({ v: 1, items: outbox.items }) : null;

/** An outbox read back from storage; anything malformed is skipped, never thrown. */
export function fromStoredOutbox(raw: string | null): Outbox {
  let parsed: { v?: unknown; items?: unknown } | null;
  try {
    parsed = raw ? (JSON.parse(raw) as { v?: unknown; items?: unknown }) : null;
  } catch {
    return EMPTY_OUTBOX;
  }
  if (parsed?.v !== 1 || !Array.isArray(parsed.items)) return EMPTY_OUTBOX;
  const items = (parsed.items as Partial<PendingMessage>[]).filter(
    (i): i is PendingMessage =>
      typeof i?.clientMessageId === 'string' &&
      typeof i.conversationId === 'string' &&
      typeof i.content === 'string' &&
      typeof i.createdAt === 'string' &&
      (i.state === 'pending' || i.state === 'failed'),
  );
  return { items, retryDelayMs: 0 };
}
