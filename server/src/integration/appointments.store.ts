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
    [list.map((a) => a.id), list.map((a) => a.patientId), list.map((a) => a.doctorId), list.map((a) => a.startsAt), list.map((a) => a.status)],
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

/** Conversations between the pairs of the given appointments: whose `canMessage` may have changed. */
export async function conversationsOfAppointments(db: Queryable, ids: string[]): Promise<{ id: string; patient_id: string; doctor_id: string }[]> {
  const { rows } = await db.query<{ id: string; patient_id: string; doctor_id: string }>(
    `SELECT DISTINCT c.id, c.patient_id, c.doctor_id FROM appointments a
       JOIN conversations c ON c.patient_id = a.patient_id AND c.doctor_id = a.doctor_id
      WHERE a.id = ANY($1)`,
    [ids],
  );
  return rows;
}
