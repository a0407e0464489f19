import type { Queryable } from '../db/pool.js';

export interface AppointmentUpsert {
  id: string;
  patientId: string;
  doctorId: string;
  startsAt: string;
  status: 'scheduled' | 'completed' | 'cancelled';
}

/** Creates or replaces appointments in one statement. */
export async function upsertAppointments(db: Queryable, list: AppointmentUpsert[]): Promise<void> {
  if (list.length === 0) return;
  await db.query(
    `INSERT INTO appointments (id, patient_id, doctor_id, starts_at, status)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[])
     ON CONFLICT (id) DO UPDATE SET patient_id = EXCLUDED.patient_id, doctor_id = EXCLUDED.doctor_id,
       starts_at = EXCLUDED.starts_at, status = EXCLUDED.status, updated_at = now()`,
    [
      list.map((a) => a.id),
      list.map((a) => a.patientId),
      list.map((a) => a.doctorId),
      list.map((a) => a.startsAt),
      list.map((a) => a.status),
    ],
  );
}

/** Appointment ids among `ids` whose patient is not a PATIENT or whose doctor is not a DOCTOR. */
export async function appointmentsWithWrongRoles(db: Queryable, ids: string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT a.id FROM appointments a JOIN users p ON p.id = a.patient_id JOIN users d ON d.id = a.doctor_id
      WHERE a.id = ANY($1) AND (p.role <> 'PATIENT' OR d.role <> 'DOCTOR') LIMIT 5`,
    [ids],
  );
  return rows.map((r) => r.id);
}

export interface PairConversation {
  id: string;
  patient_id: string;
  doctor_id: string;
  /** Who takes part in it now: patient, doctor and active care team (`conversation_access`). */
  member_ids: string[];
  /** Its participants may write in it (`conversation_access`): its `canMessage`. */
  writable: boolean;
}

const WRITABLE = 'c.write_refusal IS NULL AS writable';

/**
 * Conversations whose `canMessage` a write of these appointments may change: those between
 * the pairs the appointments are between now and those between the given pairs (where they
 * are going), each with whether it may be written in. Read before the write.
 */
export async function conversationsOfAppointments(
  db: Queryable,
  ids: string[],
  pairs: { patientId: string; doctorId: string }[],
): Promise<PairConversation[]> {
  const { rows } = await db.query<PairConversation>(
    `SELECT c.id, c.patient_id, c.doctor_id, c.member_ids, ${WRITABLE} FROM conversation_access c
      WHERE c.id IN (
        SELECT c2.id FROM appointments a
          JOIN conversations c2 ON c2.patient_id = a.patient_id AND c2.doctor_id = a.doctor_id
         WHERE a.id = ANY($1::text[])
        UNION
        SELECT c3.id FROM unnest($2::text[], $3::text[]) AS p(patient_id, doctor_id)
          JOIN conversations c3 ON c3.patient_id = p.patient_id AND c3.doctor_id = p.doctor_id)`,
    [ids, pairs.map((p) => p.patientId), pairs.map((p) => p.doctorId)],
  );
  return rows;
}

/** Whether each of these conversations may be written in now. */
export async function writableOfConversations(db: Queryable, ids: string[]): Promise<Map<string, boolean>> {
  const { rows } = await db.query<{ id: string; writable: boolean }>(
    `SELECT c.id, ${WRITABLE} FROM conversation_access c WHERE c.id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.writable]));
}
