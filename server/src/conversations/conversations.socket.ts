import { ConversationRef } from '@carechat/protocol';
import { withAck, type SocketContext } from '../realtime/with-ack.js';
import type { Deps } from '../context.js';
import { findConversationAccess } from './conversations.store.js';
import { assertParticipant } from './access.js';

/**
 * chat:join / chat:leave mark a conversation as open on this device's screen. Delivery does
 * not depend on them (every socket is in its user's room); the set is kept for features that
 * care what is on screen, such as push suppression.
 */
export function registerConversationEvents(ctx: SocketContext, deps: Deps): void {
  const open = new Set<string>();
  ctx.socket.data.openConversations = open;
  ctx.socket.on(
    'chat:join',
    withAck(ctx, 'chat:join', ConversationRef, async (input, actor) => {
      assertParticipant(await findConversationAccess(deps.db, input.conversationId), actor);
      if (open.size < 1000) open.add(input.conversationId);
    }),
  );
  ctx.socket.on(
    'chat:leave',
    withAck(ctx, 'chat:leave', ConversationRef, async (input) => {
      open.delete(input.conversationId);
    }),
  );
}
