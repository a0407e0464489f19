import { isClinician, type IntegrationCareTeamInput } from '@carechat/protocol';
import { insertAuditEvent } from '../audit/audit.store.js';
import type { Deps } from '../context.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import { withTransaction, type Tx } from '../db/pool.js';
import { AppError, notFound } from '../errors.js';
import { conversationsOfDoctor, findCandidates, lockDoctorsTeam, replaceTeam } from './care-teams.store.js';

/** A doctor's team as the host platform set it. */
export interface CareTeam {
  doctorId: string;
  memberIds: string[];
}

/** What a team write changed, for the events sent after its commit. */
export interface TeamChange {
  doctorId: string;
  /** Membership rows deleted: these people are told the conversation is gone from them. */
  removed: { conversationId: string; userId: string }[];
  /** Whether anyone came or went: only then do the doctor's conversations change for their participants. */
  changed: boolean;
}

/**
 * Care teams, set by the host platform: each doctor's team takes part in all of that doctor's
 * conversations. The team is written and every conversation's membership follows in one
 * transaction; who left is told after commit (`conversation:removed`), everyone else sees the
 * conversation's new `careTeam`.
 */
export class CareTeamsService {
  constructor(
    private readonly deps: Deps,
    private readonly conversations: ConversationsService,
  ) {}

  /** `PUT /api/integration/doctors/:id/care-team`: one doctor's team replaced, audited. */
  async put(doctorId: string, input: IntegrationCareTeamInput, origin: { ip: string | null }): Promise<CareTeam> {
    const change = await withTransaction(this.deps.db, async (tx) => {
      const written = await this.replaceIn(tx, { doctorId, memberIds: input.memberIds }, 'path');
      await insertAuditEvent(tx, {
        actorId: 'service',
        actorRole: 'SERVICE',
        action: 'integration.care_team.put',
        outcome: 'success',
        targetId: doctorId,
        ip: origin.ip,
        details: { members: input.memberIds.length, removed: written.removed.length },
      });
      return written;
    });
    await this.announce([change]);
    return { doctorId, memberIds: [...input.memberIds].sort() };
  }

  /**
   * Inside the caller's transaction (the PUT's, or a batch's): checks the doctor and every
   * member, then writes. `where` says how to name the doctor in an error: the PUT's path
   * (NOT_FOUND) or a batch item (VALIDATION_FAILED naming its field).
   */
  async replaceIn(tx: Tx, team: CareTeam, where: 'path' | { item: number }): Promise<TeamChange> {
    const field = where === 'path' ? 'memberIds' : `careTeams.${where.item}.memberIds`;
    const doctor = await lockDoctorsTeam(tx, team.doctorId, 'replace');
    if (!doctor || doctor.role !== 'DOCTOR') {
      if (where === 'path') throw notFound('No such doctor');
      throw new AppError('VALIDATION_FAILED', `careTeams.${where.item}.doctorId: no such doctor`);
    }
    if (team.memberIds.includes(team.doctorId))
      throw new AppError('VALIDATION_FAILED', `${field}: a doctor is not a member of their own team`);
    const found = await findCandidates(tx, team.memberIds);
    const unknown = team.memberIds.filter((id) => !found.has(id));
    if (unknown.length) throw new AppError('VALIDATION_FAILED', `${field}: no such user (${listed(unknown)})`);
    const wrong = team.memberIds.filter((id) => !isClinician(found.get(id)?.role ?? 'PATIENT'));
    if (wrong.length) throw new AppError('VALIDATION_FAILED', `${field}: must be STAFF or DOCTORs (${listed(wrong)})`);
    const inactive = team.memberIds.filter((id) => found.get(id)?.status !== 'active');
    if (inactive.length) throw new AppError('VALIDATION_FAILED', `${field}: must be active (${listed(inactive)})`);
    const { added, removed, removedIds } = await replaceTeam(tx, team.doctorId, team.memberIds);
    return { doctorId: team.doctorId, removed, changed: added.length + removedIds.length > 0 };
  }

  /**
   * After commit: the leavers' devices drop the conversations, then everyone still in them gets
   * their view with the new team (built only for those connected, see notifyUpdatedMany).
   */
  async announce(changes: TeamChange[]): Promise<void> {
    for (const change of changes) {
      // Through the same ordered path as views: a view of theirs read just before the change
      // reaches them before the removal, never after it.
      await this.conversations.notifyUpdatedMany(
        change.removed.map(({ conversationId, userId }) => ({ conversationId, userIds: [userId] })),
      );
      if (!change.changed) continue;
      const convs = await conversationsOfDoctor(this.deps.db, change.doctorId);
      await this.conversations.notifyUpdatedMany(convs.map((c) => ({ conversationId: c.id, userIds: c.member_ids })));
    }
  }
}

/** A few ids for an error message, not ten thousand. */
const listed = (ids: string[]) => ids.slice(0, 5).join(', ') + (ids.length > 5 ? ', …' : '');
