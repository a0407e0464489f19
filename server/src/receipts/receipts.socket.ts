import { ReceiptInput } from '@carechat/protocol';
import { withAck, type SocketContext } from '../realtime/with-ack.js';
import type { ReceiptsService } from './receipts.service.js';

export function registerReceiptEvents(ctx: SocketContext, receipts: ReceiptsService): void {
  // Clients send delivery receipts by themselves, so they do not count as the person being active.
  ctx.socket.on(
    'chat:delivered',
    withAck(ctx, 'chat:delivered', ReceiptInput, (input, actor) => receipts.delivered(actor, input.conversationId, input.upToSeq), {
      activity: false,
    }),
  );
  ctx.socket.on(
    'chat:read',
    withAck(ctx, 'chat:read', ReceiptInput, (input, actor) => receipts.read(actor, input.conversationId, input.upToSeq)),
  );
}
