import { on, type SocketContext } from '../realtime/with-ack.js';
import type { TypingService } from './typing.service.js';

export function registerTypingEvents(ctx: SocketContext, typing: TypingService): void {
  on(ctx, 'chat:typing:start', (input, actor) => typing.start(actor, input.conversationId));
  on(ctx, 'chat:typing:stop', (input, actor) => typing.stop(actor, input.conversationId));
}
