import { isClinician, type Message, type PendingAcknowledgement } from '@carechat/protocol';
import { audit } from '../audit/audit.js';
import type { Actor, Deps } from '../context.js';
import { assertParticipant, dataKeyOf, participantsOf } from '../conversations/access.js';
import { findConversationAccess, type ConversationAccessRow } from '../conversations/conversations.store.js';
import { withTransaction } from '../db/pool.js';
import { AppError, forbidden, notFound } from '../errors.js';
import { presentMessage } from '../messages/messages.present.js';
import { findMessagesByIds, nextRev } from '../messages/messages.store.js';
import type { Notifier } from '../realtime/notifier.js';
import * as store from './acknowledgements.store.js';

/** How many waiting messages the clinician's list shows, oldest first. */
const PENDING_LIMIT = 200;

/**
 * A patient's "I have read this" on a message its clinician asked them to acknowledge, and the
 * clinician's list of those still waiting. Receipts stay what they were: a device showed it.
 */
export class AcknowledgementsService {
  constructor(
    private readonly deps: Deps,
    private readonly notifier: Notifier,
  ) {}

  /**
   * Only the conversation's patient, once: acknowledging again answers with the message as it
   * is and changes nothing. Audited; both people's devices hear of it after commit.
   */
  async acknowledge(actor: Actor, messageId: string): Promise<Message> {
    const result = await withTransaction(this.deps.db, async (tx) => {
      const target = await store.findAckTargetForUpdate(tx, messageId);
      const conv = target ? await findConversationAccess(tx, target.conversation_id) : null;
      assertParticipant(conv, actor);
      if (!target) throw notFound('No such message');
      if (actor.id !== conv.patient_id) throw forbidden('Only the patient can acknowledge a message');
      if (!target.ack_requested)
        throw new AppError('VALIDATION_FAILED', 'messageId: this message did not ask for acknowledgement');
      if (target.deleted_at) throw new AppError('VALIDATION_FAILED', 'messageId: the message was deleted');
      if (target.acknowledged_at) return { conv, changed: false };
      await store.markAcknowledged(tx, target.id, actor.id, await nextRev(tx, conv.id));
      await audit(tx, actor, {
        action: 'messages.acknowledge',
        outcome: 'success',
        conversationId: conv.id,
        messageId: target.id,
      });
      return { conv, changed: true };
    });
    const view = await this.viewFor(actor.id, messageId, result.conv);
    if (result.changed)
      for (const userId of participantsOf(result.conv)) {
        // Each person's own view: either may have deleted it for themself.
        const theirs = userId === actor.id ? view : await this.viewFor(userId, messageId, result.conv);
        this.notifier.toUsers([userId], 'chat:acknowledged', theirs);
      }
    return view;
  }

  /** The clinician's messages still waiting for acknowledgement, with the reminders sent so far. */
  async pending(actor: Actor): Promise<PendingAcknowledgement[]> {
    if (!isClinician(actor.role)) throw forbidden('Only clinicians have messages waiting for acknowledgement');
    const rows = await store.findPending(this.deps.db, actor.id, PENDING_LIMIT);
    return rows.map((r) => ({
      messageId: r.messageId,
      conversationId: r.conversationId,
      seq: r.seq,
      patient: { id: r.patientId, name: r.patientName },
      sentAt: r.sentAt.toISOString(),
      reminders: r.reminders,
    }));
  }

  private async viewFor(viewerId: string, id: string, conv: ConversationAccessRow): Promise<Message> {
    const [row] = await findMessagesByIds(this.deps.db, viewerId, [id]);
    if (!row) throw notFound('No such message');
    return presentMessage(dataKeyOf(this.deps.keyring, conv), row);
  }
}
