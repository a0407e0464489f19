import { on, type SocketContext } from '../realtime/with-ack.js';
import type { AcknowledgementsService } from './acknowledgements.service.js';

export function registerAcknowledgementEvents(ctx: SocketContext, acks: AcknowledgementsService): void {
  on(ctx, 'chat:acknowledge', async (input, actor) => ({ message: await acks.acknowledge(actor, input.messageId) }));
}
