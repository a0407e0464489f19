import type { IntegrationAppointmentInput, IntegrationBatchInput, IntegrationUserInput, User } from '@carechat/protocol';
import { insertAuditEvent } from '../audit/audit.store.js';
import type { Deps } from '../context.js';
import { isUniqueViolation, withTransaction, type Tx } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import { toUser, upsertUsers, type UserRow } from '../users/users.store.js';
import type { UserStatusEffects } from '../users/user-status.service.js';
import { appointmentsWithWrongRoles, conversationsOfAppointments, upsertAppointments, type AppointmentUpsert } from './appointments.store.js';

type UserItem = IntegrationUserInput & { id: string };
type AppointmentItem = IntegrationAppointmentInput & { id: string };

/** The host platform's door: it owns people and appointments and keeps our copy current. */
export class IntegrationService {
  constructor(
    private readonly deps: Deps,
    private readonly statusEffects: UserStatusEffects,
    private readonly conversations: ConversationsService,
  ) {}

  async putUser(id: string, input: IntegrationUserInput, origin: { ip: string | null }): Promise<User> {
    const { users } = await this.apply([{ ...input, id }], [], origin, 'integration.user.put');
    return toUser(users[0]!);
  }

  async putAppointment(id: string, input: IntegrationAppointmentInput, origin: { ip: string | null }): Promise<void> {
    await this.apply([], [{ ...input, id }], origin, 'integration.appointment.put');
  }

  /** All or nothing: one transaction for up to 10,000 items. */
  async batch(input: IntegrationBatchInput, origin: { ip: string | null }): Promise<{ users: number; appointments: number }> {
    const { users, appointments } = await this.apply(input.users ?? [], input.appointments ?? [], origin, 'integration.batch');
    return { users: users.length, appointments };
  }

  private async apply(userItems: UserItem[], appointmentItems: AppointmentItem[], origin: { ip: string | null }, action: string) {
    const users = lastById(userItems);
    const appointments = lastById(appointmentItems).map(
      (a): AppointmentUpsert => ({ id: a.id, patientId: a.patientId, doctorId: a.doctorId, startsAt: a.startsAt, status: a.status }),
    );
    const written = await withTransaction(this.deps.db, async (tx) => {
      const rows = await this.writeUsers(tx, users);
      // An appointment moved to another pair can close the old pair's conversation: read the
      // pairs before the write so both people there are told too.
      const before = appointments.length ? await conversationsOfAppointments(tx, appointments.map((a) => a.id)) : [];
      await this.writeAppointments(tx, appointments);
      await this.statusEffects.revokeInactive(tx, rows);
      await insertAuditEvent(tx, {
        actorId: 'service',
        actorRole: 'SERVICE',
        action,
        outcome: 'success',
        targetId: users.length + appointments.length === 1 ? (users[0]?.id ?? appointments[0]?.id) : null,
        ip: origin.ip,
        details: { users: users.length, appointments: appointments.length },
      });
      return { rows, before };
    });
    this.statusEffects.disconnect(written.rows);
    // Only those now blocked or deleted: an upsert does not say whose status changed, and
    // telling every peer of 10,000 unchanged people would be a flood.
    await this.statusEffects.tellPeers(written.rows.filter((u) => u.status !== 'active').map((u) => u.id));
    await this.notifyConversations(appointments.map((a) => a.id), written.before);
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
      if ((err as { code?: string }).code === '23503') throw new AppError('VALIDATION_FAILED', 'patientId/doctorId: no such user');
      throw err;
    }
    const wrong = await appointmentsWithWrongRoles(tx, appointments.map((a) => a.id));
    if (wrong.length > 0) throw new AppError('VALIDATION_FAILED', `appointments: patientId must be a PATIENT and doctorId a DOCTOR (${wrong.join(', ')})`);
  }

  /** Appointment changes can open or close a conversation for writing: tell both people. */
  private async notifyConversations(appointmentIds: string[], before: { id: string; patient_id: string; doctor_id: string }[]): Promise<void> {
    if (appointmentIds.length === 0) return;
    const after = await conversationsOfAppointments(this.deps.db, appointmentIds);
    const convs = [...new Map([...before, ...after].map((c) => [c.id, c])).values()];
    for (const c of convs.slice(0, 1000)) await this.conversations.notifyUpdated(c.id, [c.patient_id, c.doctor_id]);
  }
}

function lastById<T extends { id: string }>(items: T[]): T[] {
  return [...new Map(items.map((i) => [i.id, i])).values()];
}
