import type { ReadResult } from '@carechat/protocol';
import type { Actor, Deps } from '../context.js';
import { assertParticipant, participantsOf } from '../conversations/access.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import { findConversationAccess } from '../conversations/conversations.store.js';
import type { Notifier } from '../realtime/notifier.js';
import { advanceDelivered, advanceRead, readState } from './receipts.store.js';

/** Delivery and read receipts as per-participant watermarks on seq. */
export class ReceiptsService {
  constructor(
    private readonly deps: Deps,
    private readonly notifier: Notifier,
    private readonly conversations: ConversationsService,
  ) {}

  async delivered(actor: Actor, conversationId: string, upToSeq: number): Promise<void> {
    const conv = await findConversationAccess(this.deps.db, conversationId);
    assertParticipant(conv, actor);
    const seq = await advanceDelivered(this.deps.db, conv.id, actor.id, upToSeq);
    if (seq !== null)
      this.notifier.toUsers(participantsOf(conv), 'chat:delivered', {
        conversationId: conv.id,
        userId: actor.id,
        upToSeq: seq,
        at: new Date().toISOString(),
      });
  }

  async read(actor: Actor, conversationId: string, upToSeq: number): Promise<ReadResult> {
    const conv = await findConversationAccess(this.deps.db, conversationId);
    assertParticipant(conv, actor);
    const seq = await advanceRead(this.deps.db, conv.id, actor.id, upToSeq);
    const state = await readState(this.deps.db, conv.id, actor.id);
    if (seq !== null) {
      this.notifier.toUsers(participantsOf(conv), 'chat:read', {
        conversationId: conv.id,
        userId: actor.id,
        upToSeq: seq,
        at: new Date().toISOString(),
      });
      // The reader's other devices update their unread badges.
      await this.conversations.notifyUpdated(conv.id, [actor.id]);
    }
    return state;
  }
}
