import { on, type SocketContext } from '../realtime/with-ack.js';
import type { ReceiptsService } from './receipts.service.js';

export function registerReceiptEvents(ctx: SocketContext, receipts: ReceiptsService): void {
  // Clients send delivery receipts by themselves, so they do not count as the person being active.
  on(ctx, 'chat:delivered', (input, actor) => receipts.delivered(actor, input.conversationId, input.upToSeq), {
    activity: false,
  });
  on(ctx, 'chat:read', (input, actor) => receipts.read(actor, input.conversationId, input.upToSeq));
}
