import { on, type SocketContext } from '../realtime/with-ack.js';
import type { ConversationsService } from './conversations.service.js';

/**
 * chat:join / chat:leave mark a conversation as open on this device's screen. Delivery does
 * not depend on them (every socket is in its user's room); the set is kept for features that
 * care what is on screen, such as push suppression.
 */
export function registerConversationEvents(ctx: SocketContext, conversations: ConversationsService): void {
  const open = new Set<string>();
  ctx.socket.data.openConversations = open;
  on(ctx, 'chat:join', async (input, actor) => {
    await conversations.requireParticipant(actor, input.conversationId);
    if (open.size < 1000) open.add(input.conversationId);
  });
  on(ctx, 'chat:leave', async (input) => {
    open.delete(input.conversationId);
  });
}
