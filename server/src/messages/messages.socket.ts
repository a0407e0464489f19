import { on, type SocketContext } from '../realtime/with-ack.js';
import type { MessagesService } from './messages.service.js';

export function registerMessageEvents(ctx: SocketContext, messages: MessagesService): void {
  on(ctx, 'chat:message', async (input, actor) => ({ message: (await messages.send(actor, input)).message }));
  on(ctx, 'chat:edit', async (input, actor) => ({
    message: await messages.edit(actor, input.messageId, input.content),
  }));
  on(ctx, 'chat:delete', (input, actor) => messages.delete(actor, input.messageId, input.scope));
  on(ctx, 'chat:react', async (input, actor) => ({
    message: await messages.react(actor, input.messageId, input.emoji, input.on),
  }));
}
