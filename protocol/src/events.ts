import type { Ack, ErrorCode } from './errors.js';
import type { Conversation, Message, ReadResult } from './shapes.js';
import type {
  MessageDeleteInput,
  MessageEditInput,
  MessageReactInput,
  MessageSendInput,
  ReceiptInput,
} from './inputs.js';

type Handler<In, Out extends object = object> = (payload: In, ack?: (answer: Ack<Out>) => void) => void;
type ConversationRef = { conversationId: string };

/** Events a client sends; each is answered through its ack callback. */
export interface ClientToServerEvents {
  'chat:message': Handler<MessageSendInput, { message: Message }>;
  'chat:edit': Handler<MessageEditInput, { message: Message }>;
  'chat:delete': Handler<MessageDeleteInput>;
  'chat:react': Handler<MessageReactInput, { message: Message }>;
  'chat:delivered': Handler<ReceiptInput>;
  'chat:read': Handler<ReceiptInput, ReadResult>;
  'chat:typing:start': Handler<ConversationRef>;
  'chat:typing:stop': Handler<ConversationRef>;
  'chat:join': Handler<ConversationRef>;
  'chat:leave': Handler<ConversationRef>;
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
  'chat:deleted': (event: { conversationId: string; messageId: string; seq: number; scope: 'self' | 'everyone' }) => void;
  'chat:reaction': (message: Message) => void;
  'chat:delivered': (receipt: Receipt) => void;
  'chat:read': (receipt: Receipt) => void;
  'chat:typing': (event: { conversationId: string; userId: string; isTyping: boolean }) => void;
  'presence:update': (event: { userId: string; online: boolean; lastSeenAt: string | null }) => void;
  'conversation:updated': (conversation: Conversation) => void;
  /** Extension: sent just before the server disconnects a socket whose session ended. */
  'session:ended': (event: { reason: 'logout' | 'expired' | 'blocked' | 'deleted'; code: ErrorCode }) => void;
}

export const CLIENT_EVENTS = [
  'chat:message',
  'chat:edit',
  'chat:delete',
  'chat:react',
  'chat:delivered',
  'chat:read',
  'chat:typing:start',
  'chat:typing:stop',
  'chat:join',
  'chat:leave',
] as const satisfies readonly (keyof ClientToServerEvents)[];
