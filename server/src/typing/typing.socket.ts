import { ConversationRef } from '@carechat/protocol';
import { withAck, type SocketContext } from '../realtime/with-ack.js';
import type { TypingService } from './typing.service.js';

export function registerTypingEvents(ctx: SocketContext, typing: TypingService): void {
  ctx.socket.on('chat:typing:start', withAck(ctx, 'chat:typing:start', ConversationRef, (input, actor) => typing.start(actor, input.conversationId)));
  ctx.socket.on('chat:typing:stop', withAck(ctx, 'chat:typing:stop', ConversationRef, (input, actor) => typing.stop(actor, input.conversationId)));
}
