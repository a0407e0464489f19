import type { z } from 'zod';
import type { Ack, ErrorCode } from './errors.js';
import type { Conversation, Message, ReadResult } from './shapes.js';
import {
  AcknowledgeInput,
  ConversationAssignInput,
  ConversationRef,
  MessageDeleteInput,
  MessageEditInput,
  MessageReactInput,
  MessageSendInput,
  ReceiptInput,
} from './inputs.js';

type Handler<In, Out extends object = object> = (payload: In, ack?: (answer: Ack<Out>) => void) => void;

/** Events a client sends; each is answered through its ack callback. */
export interface ClientToServerEvents {
  'chat:message': Handler<MessageSendInput, { message: Message }>;
  'chat:edit': Handler<MessageEditInput, { message: Message }>;
  'chat:delete': Handler<MessageDeleteInput>;
  'chat:react': Handler<MessageReactInput, { message: Message }>;
  /** Extension: the patient confirms they read a message that asked for it; idempotent. */
  'chat:acknowledge': Handler<AcknowledgeInput, { message: Message }>;
  'chat:delivered': Handler<ReceiptInput>;
  'chat:read': Handler<ReceiptInput, ReadResult>;
  'chat:typing:start': Handler<ConversationRef>;
  'chat:typing:stop': Handler<ConversationRef>;
  'chat:join': Handler<ConversationRef>;
  'chat:leave': Handler<ConversationRef>;
  /**
   * Extension (triage): a clinician taking part assigns the conversation to one person of its
   * care side, or to nobody (`userId: null`); every participant gets `conversation:updated`.
   */
  'conversation:assign': Handler<ConversationAssignInput, { conversation: Conversation }>;
}

export interface Receipt {
  conversationId: string;
  userId: string;
  upToSeq: number;
  at: string;
}

/** Events the server sends, only after the change they report has committed. */
export interface ServerToClientEvents {
  'chat:message': (message: Message) => void;
  'chat:edited': (message: Message) => void;
  'chat:deleted': (event: {
    conversationId: string;
    messageId: string;
    seq: number;
    scope: 'self' | 'everyone';
  }) => void;
  'chat:reaction': (message: Message) => void;
  /** Extension: a message was acknowledged by its patient (the message, with its `acknowledgement`). */
  'chat:acknowledged': (message: Message) => void;
  'chat:delivered': (receipt: Receipt) => void;
  'chat:read': (receipt: Receipt) => void;
  'chat:typing': (event: { conversationId: string; userId: string; isTyping: boolean }) => void;
  'presence:update': (event: { userId: string; online: boolean; lastSeenAt: string | null }) => void;
  'conversation:updated': (conversation: Conversation) => void;
  /**
   * Extension (care teams): the receiver no longer takes part in this conversation (taken off
   * the doctor's care team, or the team ended): a client drops it; nothing more of it arrives.
   */
  'conversation:removed': (event: { conversationId: string }) => void;
  /** Extension: sent just before the server disconnects a socket whose session ended. */
  'session:ended': (event: { reason: 'logout' | 'expired' | 'blocked' | 'deleted'; code: ErrorCode }) => void;
}

export type ClientEventName = keyof ClientToServerEvents;
/** What a client event carries. */
export type ClientEventInput<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];
/** The whole ack a client event is answered with, `{ok: true, ...}` or `{ok: false, error}`. */
export type ClientEventAck<E extends ClientEventName> = Parameters<
  NonNullable<Parameters<ClientToServerEvents[E]>[1]>
>[0];
type AckBody<E extends ClientEventName> = Omit<Extract<ClientEventAck<E>, { ok: true }>, 'ok'>;
/** What a successful ack carries besides `ok`; void for the events answered with `{ok: true}` alone. */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- a handler's return type, given through this alias
export type ClientEventResult<E extends ClientEventName> = [keyof AckBody<E>] extends [never] ? void : AckBody<E>;

/**
 * The schema each client event's payload is parsed with, keyed by the event: the server
 * registers its handlers from this map, so an event without a schema, or a schema whose
 * output is not the event's payload, does not compile.
 */
export const CLIENT_EVENT_INPUTS = {
  'chat:message': MessageSendInput,
  'chat:edit': MessageEditInput,
  'chat:delete': MessageDeleteInput,
  'chat:react': MessageReactInput,
  'chat:acknowledge': AcknowledgeInput,
  'chat:delivered': ReceiptInput,
  'chat:read': ReceiptInput,
  'chat:typing:start': ConversationRef,
  'chat:typing:stop': ConversationRef,
  'chat:join': ConversationRef,
  'chat:leave': ConversationRef,
  'conversation:assign': ConversationAssignInput,
} satisfies { [E in ClientEventName]: z.ZodType<ClientEventInput<E>> };

/** Every client event's name, in the map's order. */
export const CLIENT_EVENTS: readonly ClientEventName[] = Object.keys(CLIENT_EVENT_INPUTS) as ClientEventName[];
