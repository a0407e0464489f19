import { MessageDeleteInput, MessageEditInput, MessageReactInput, MessageSendInput } from '@carechat/protocol';
import { withAck, type SocketContext } from '../realtime/with-ack.js';
import type { TypingService } from '../typing/typing.service.js';
import type { MessagesService } from './messages.service.js';

export function registerMessageEvents(ctx: SocketContext, messages: MessagesService, typing: TypingService): void {
  const { socket } = ctx;
  socket.on(
    'chat:message',
    withAck(ctx, 'chat:message', MessageSendInput, async (input, actor) => {
      const { message, duplicate } = await messages.send(actor, input);
      if (!duplicate) typing.stopped(input.conversationId, actor.id);
      return { message };
    }),
  );
  socket.on(
    'chat:edit',
    withAck(ctx, 'chat:edit', MessageEditInput, async (input, actor) => ({ message: await messages.edit(actor, input.messageId, input.content) })),
  );
  socket.on(
    'chat:delete',
    withAck(ctx, 'chat:delete', MessageDeleteInput, (input, actor) => messages.delete(actor, input.messageId, input.scope)),
  );
  socket.on(
    'chat:react',
    withAck(ctx, 'chat:react', MessageReactInput, async (input, actor) => ({
      message: await messages.react(actor, input.messageId, input.emoji, input.on),
    })),
  );
}
