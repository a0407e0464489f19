import { on, type SocketContext } from '../realtime/with-ack.js';
import type { TriageService } from './triage.service.js';

export function registerTriageEvents(ctx: SocketContext, triage: TriageService): void {
  on(ctx, 'conversation:assign', async (input, actor) => ({
    conversation: await triage.assign(actor, input.conversationId, input.userId),
  }));
}
