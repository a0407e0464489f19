import type {
  IntegrationAppointmentInput,
  IntegrationBatchInput,
  IntegrationUserInput,
  User,
} from '@carechat/protocol';
import { insertAuditEvent } from '../audit/audit.store.js';
import type { Deps } from '../context.js';
import { isUniqueViolation, withTransaction, type Tx } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import { findStatuses, toUser, upsertUsers, type UserRow } from '../users/users.store.js';
import type { UserStatusEffects } from '../users/user-status.service.js';
import {
  appointmentsWithWrongRoles,
  conversationsOfAppointments,
  upsertAppointments,
  writableOfConversations,
  type AppointmentUpsert,
  type PairConversation,
} from './appointments.store.js';
import { onlyRow } from '../db/rows.js';
import { writeContacts } from '../reminders/contacts.js';
import type { CareTeam, CareTeamsService, TeamChange } from '../care-teams/care-teams.service.js';

type UserItem = IntegrationUserInput & { id: string };
type AppointmentItem = IntegrationAppointmentInput & { id: string };
/** A batch's care team with its place in the batch, for errors that name it. */
type TeamItem = CareTeam & { item: number };

/** The host platform's door: it owns people and appointments and keeps our copy current. */
export class IntegrationService {
  constructor(
    private readonly deps: Deps,
    private readonly statusEffects: UserStatusEffects,
    private readonly conversations: ConversationsService,
    private readonly careTeams: CareTeamsService,
  ) {}

  async putUser(id: string, input: IntegrationUserInput, origin: { ip: string | null }): Promise<User> {
    const { users } = await this.apply([{ ...input, id }], [], origin, 'integration.user.put');
    return toUser(onlyRow(users, 'putUser: the user written'));
  }

  async putAppointment(id: string, input: IntegrationAppointmentInput, origin: { ip: string | null }): Promise<void> {
    await this.apply([], [{ ...input, id }], origin, 'integration.appointment.put');
  }

  /** All or nothing: one transaction for up to 10,000 items. */
  async batch(
    input: IntegrationBatchInput,
    origin: { ip: string | null },
  ): Promise<{ users: number; appointments: number; careTeams?: number }> {
    // A doctor named twice gets the last team given (as users and appointments do).
    const teams = [...new Map((input.careTeams ?? []).map((t, item) => [t.doctorId, { ...t, item }])).values()];
    const { users, appointments } = await this.apply(
      input.users ?? [],
      input.appointments ?? [],
      origin,
      'integration.batch',
      teams,
    );
    return { users: users.length, appointments, ...(input.careTeams ? { careTeams: teams.length } : {}) };
  }

  private async apply(
    userItems: UserItem[],
    appointmentItems: AppointmentItem[],
    origin: { ip: string | null },
    action: string,
    teams: TeamItem[] = [],
  ) {
    const users = lastById(userItems);
    const appointments = lastById(appointmentItems).map((a): AppointmentUpsert => ({
      id: a.id,
      patientId: a.patientId,
      doctorId: a.doctorId,
      startsAt: a.startsAt,
      status: a.status,
    }));
    const written = await withTransaction(this.deps.db, async (tx) => {
      const previous = users.length
        ? await findStatuses(
            tx,
            users.map((u) => u.id),
          )
        : new Map<string, string>();
      const rows = await this.writeUsers(tx, users);
      await writeContacts(tx, this.deps.keyring, users);
      // Read before the write, so that after it only the conversations that opened or closed
      // for writing are told: the old pair of a moved appointment too.
      const before = appointments.length
        ? await conversationsOfAppointments(
            tx,
            appointments.map((a) => a.id),
            appointments,
          )
        : [];
      await this.writeAppointments(tx, appointments);
      await this.statusEffects.revokeInactive(tx, rows);
      // After the people and appointments, so a batch may bring a nurse and put her on a team.
      const teamChanges: TeamChange[] = [];
      for (const t of teams) teamChanges.push(await this.careTeams.replaceIn(tx, t, { item: t.item }));
      await insertAuditEvent(tx, {
        actorId: 'service',
        actorRole: 'SERVICE',
        action,
        outcome: 'success',
        targetId: users.length + appointments.length === 1 ? (users[0]?.id ?? appointments[0]?.id) : null,
        ip: origin.ip,
        details: {
          users: users.length,
          appointments: appointments.length,
          ...(teams.length ? { careTeams: teams.length } : {}),
        },
      });
      return {
        rows,
        before,
        teamChanges,
        changed: rows.filter((u) => previous.get(u.id) !== u.status).map((u) => u.id),
      };
    });
    this.statusEffects.disconnect(written.rows);
    // Only those whose status changed, either way: a nightly sync resends thousands of people
    // as they were, and their peers have nothing to learn.
    await this.statusEffects.tellPeers(written.changed);
    await this.notifyConversations(written.before);
    await this.careTeams.announce(written.teamChanges);
    return { users: written.rows, appointments: appointments.length };
  }

  private async writeUsers(tx: Tx, users: UserItem[]): Promise<UserRow[]> {
    try {
      return await upsertUsers(tx, users);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('VALIDATION_FAILED', 'email: already used by another user');
      throw err;
    }
  }

  private async writeAppointments(tx: Tx, appointments: AppointmentUpsert[]): Promise<void> {
    try {
      await upsertAppointments(tx, appointments);
    } catch (err) {
      if ((err as { code?: string }).code === '23503')
        throw new AppError('VALIDATION_FAILED', 'patientId/doctorId: no such user');
      throw err;
    }
    const wrong = await appointmentsWithWrongRoles(
      tx,
      appointments.map((a) => a.id),
    );
    if (wrong.length > 0)
      throw new AppError(
        'VALIDATION_FAILED',
        `appointments: patientId must be a PATIENT and doctorId a DOCTOR (${wrong.join(', ')})`,
      );
  }

  /** Appointment changes can open or close a conversation for writing: tell its participants where one did. */
  private async notifyConversations(before: PairConversation[]): Promise<void> {
    if (before.length === 0) return;
    const writable = await writableOfConversations(
      this.deps.db,
      before.map((c) => c.id),
    );
    const flipped = before.filter((c) => writable.get(c.id) !== c.writable);
    await this.conversations.notifyUpdatedMany(flipped.map((c) => ({ conversationId: c.id, userIds: c.member_ids })));
  }
}

function lastById<T extends { id: string }>(items: T[]): T[] {
  return [...new Map(items.map((i) => [i.id, i])).values()];
}
