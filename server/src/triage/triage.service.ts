import { isClinician, type Conversation } from '@carechat/protocol';
import { audit } from '../audit/audit.js';
import { lockDoctorsTeam } from '../care-teams/care-teams.store.js';
import type { Actor, Deps } from '../context.js';
import { assertParticipant, participantsOf } from '../conversations/access.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import { findConversationAccess } from '../conversations/conversations.store.js';
import { withTransaction } from '../db/pool.js';
import { AppError, forbidden, notFound } from '../errors.js';
import { setAssignee } from './triage.store.js';

/**
 * Triage (#21): the care side says who of them handles a conversation. (Its other half, the
 * needs-reply list, is a filter of the conversation list: conversations.store.ts.)
 */
export class TriageService {
  constructor(
    private readonly deps: Deps,
    private readonly conversations: ConversationsService,
  ) {}

  /**
   * Assigns the conversation to `userId`, a person of its care side (the doctor or a member of
   * the doctor's team now), or to nobody. Only a clinician taking part may; audited; every
   * participant gets the conversation's new view (the patient's shows no assignee).
   */
  async assign(actor: Actor, conversationId: string, userId: string | null): Promise<Conversation> {
    const conv = await withTransaction(this.deps.db, async (tx) => {
      const found = await findConversationAccess(tx, conversationId);
      assertParticipant(found, actor);
      if (!isClinician(actor.role)) throw forbidden('Only the care side assigns conversations');
      // Waits for a team being replaced, then reads who takes part afresh: someone taken off
      // the team meanwhile is refused here, or their assignment cleared by the replacement.
      await lockDoctorsTeam(tx, found.doctor_id, 'create');
      const now = await findConversationAccess(tx, conversationId);
      assertParticipant(now, actor);
      if (userId !== null && (userId === now.patient_id || !now.member_ids.includes(userId)))
        throw new AppError('VALIDATION_FAILED', 'userId: not on the care side of this conversation');
      await setAssignee(tx, now.id, userId);
      // Who and which conversation; the assignee by id only.
      await audit(tx, actor, {
        action: 'conversations.assign',
        outcome: 'success',
        conversationId: now.id,
        targetId: userId,
        details: { assigned: userId !== null },
      });
      return now;
    });
    await this.conversations.notifyUpdated(conv.id, participantsOf(conv));
    const view = await this.conversations.viewFor(actor.id, conv.id);
    if (!view) throw notFound('No such conversation');
    return view;
  }
}
