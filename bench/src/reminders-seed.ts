import { randomUUID } from 'node:crypto';
import { inParallel } from './load/provision.js';
import { signJwt, type BenchServer } from './server.js';

/** What every doctor's message says: the reminder check looks for it in every mail and SMS. */
export const MESSAGE_TEXT = 'Please stop taking the metformin until we talk';

export interface ClinicPatient {
  id: string;
  email: string;
  /** Set for the patients who chose SMS as well. */
  phone: string | null;
}

/** A zone where it is daytime now (09:00–19:00), so the default quiet hours (21:00–08:00) block no one. */
export function daytimeZone(now = new Date()): string {
  const zones = ['UTC', 'Europe/Madrid', 'America/New_York', 'America/Los_Angeles', 'Asia/Kolkata', 'Asia/Tokyo'];
  zones.push('Australia/Sydney', 'Pacific/Auckland', 'America/Sao_Paulo', 'Asia/Dubai', 'Pacific/Honolulu');
  const hourIn = (timeZone: string) =>
    Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(now));
  // The one nearest noon: a run of several minutes stays far from either edge.
  const best = zones.reduce((a, b) => (Math.abs(hourIn(b) - 12) < Math.abs(hourIn(a) - 12) ? b : a));
  const hour = hourIn(best);
  if (hour < 9 || hour >= 19) throw new Error(`reminders: no daytime zone among ${zones.join(', ')}`);
  return best;
}

/**
 * A clinic of `patients` patients and `doctors` doctors through the integration API, each
 * patient with an appointment, an e-mail contact (sealed by the API as for any host) and, every
 * `smsEvery`th, a phone; each patient opens the conversation with their doctor and the doctor
 * sends one message there over HTTP, as the app does. No one reads it. The SMS patients save
 * settings choosing e-mail and SMS, with the default quiet hours in `timeZone`; the others
 * keep the defaults (e-mail when an address is known).
 */
export async function seedClinic(
  server: Pick<BenchServer, 'url' | 'serviceKey' | 'jwtSecret'>,
  o: { patients: number; doctors: number; smsEvery: number; timeZone: string },
): Promise<ClinicPatient[]> {
  const run = Date.now().toString(36);
  const svc = { authorization: `Bearer ${server.serviceKey}`, 'content-type': 'application/json' };
  const exp = Math.floor(Date.now() / 1000) + 12 * 3600;
  const tokenOf = (sub: string, role: string) => signJwt(server.jwtSecret, { sub, role, name: sub, exp });
  const doctorOf = (i: number) => `rd-${run}-${i % o.doctors}`;
  const patients: ClinicPatient[] = Array.from({ length: o.patients }, (_, i) => ({
    id: `rp-${run}-${i}`,
    email: `patient${i}.${run}@clinic.example`,
    phone: i % o.smsEvery === 0 ? `+1555${String(i).padStart(7, '0')}` : null,
  }));
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: svc, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`reminders seed: ${path} answered ${res.status} ${await res.text()}`);
  };
  const doctors = Array.from({ length: o.doctors }, (_, i) => ({
    id: doctorOf(i),
    name: `Dr. ${i}`,
    role: 'DOCTOR',
    status: 'active',
  }));
  await post('/api/integration/batch', { users: doctors });
  const perBatch = 4_000; // a patient and an appointment each: under MAX_BATCH_ITEMS
  const startsAt = new Date().toISOString();
  for (let from = 0; from < patients.length; from += perBatch) {
    const chunk = patients.slice(from, from + perBatch);
    await post('/api/integration/batch', {
      users: chunk.map((p, k) => ({
        id: p.id,
        name: `Patient ${from + k}`,
        role: 'PATIENT',
        status: 'active',
        contact: { email: p.email, ...(p.phone ? { phone: p.phone } : {}) },
      })),
      appointments: chunk.map((p, k) => ({
        id: `ra-${run}-${from + k}`,
        patientId: p.id,
        doctorId: doctorOf(from + k),
        startsAt,
        status: 'scheduled',
      })),
    });
  }
  const call = async (token: string, method: string, path: string, body: unknown): Promise<{ id?: string }> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const parsed = (await res.json()) as { id?: string; error?: { code: string } };
    if (!res.ok) throw new Error(`reminders seed: ${method} ${path} answered ${res.status} ${parsed.error?.code}`);
    return parsed;
  };
  await inParallel(
    patients.map((p, i) => ({ p, i })),
    16,
    async ({ p, i }) => {
      const patientToken = tokenOf(p.id, 'PATIENT');
      const doctorId = doctorOf(i);
      const { id } = await call(patientToken, 'POST', '/api/chat/conversations', { participantId: doctorId });
      if (!id) throw new Error('reminders seed: a conversation without an id');
      await call(tokenOf(doctorId, 'DOCTOR'), 'POST', `/api/chat/conversations/${id}/messages`, {
        clientMessageId: randomUUID(),
        content: MESSAGE_TEXT,
      });
      if (p.phone)
        await call(patientToken, 'PUT', '/api/me/reminders', {
          channels: ['email', 'sms'],
          quietHours: { start: '21:00', end: '08:00', timeZone: o.timeZone },
        });
    },
  );
  return patients;
}
