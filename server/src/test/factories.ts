import type { Conversation, Role } from '@carechat/protocol';
import { expect } from 'vitest';
import { HttpClient } from './http-client.js';
import { signJwt, uniqueId, type TestApp } from './app.js';

/** Any running server: an in-process test app or a spawned server process. */
type Target = Pick<TestApp, 'url' | 'service'>;

export interface TestUser {
  id: string;
  name: string;
  role: Role;
  token: string;
  api: HttpClient;
}

/** A person created through the integration API, signed in with a host-platform JWT. */
export async function createUser(t: Target, role: Role, name?: string): Promise<TestUser> {
  const id = uniqueId(role.toLowerCase());
  const fullName = name ?? `${role === 'DOCTOR' ? 'Dr. ' : ''}${id}`;
  const res = await t.service.put(`/api/integration/users/${id}`, { name: fullName, role, status: 'active' });
  expect(res.status).toBe(200);
  const token = signJwt({ sub: id, role, name: fullName, exp: Math.floor(Date.now() / 1000) + 3600 });
  return { id, name: fullName, role, token, api: new HttpClient(t.url, token) };
}

export const createPatient = (t: Target, name?: string) => createUser(t, 'PATIENT', name);
export const createDoctor = (t: Target, name?: string) => createUser(t, 'DOCTOR', name);
export const createAdmin = (t: Target) => createUser(t, 'ADMIN');

export async function createAppointment(
  t: Target,
  patient: TestUser,
  doctor: TestUser,
  status: 'scheduled' | 'completed' | 'cancelled' = 'scheduled',
  id = uniqueId('appt'),
): Promise<string> {
  const res = await t.service.put(`/api/integration/appointments/${id}`, {
    patientId: patient.id,
    doctorId: doctor.id,
    startsAt: new Date().toISOString(),
    status,
  });
  expect(res.status).toBe(200);
  return id;
}

export interface Pair {
  patient: TestUser;
  doctor: TestUser;
  appointmentId: string;
  conversation: Conversation;
}

/** A patient and a doctor with an appointment and their conversation, opened by the patient. */
export async function createPair(t: Target): Promise<Pair> {
  const [patient, doctor] = await Promise.all([createPatient(t), createDoctor(t)]);
  const appointmentId = await createAppointment(t, patient, doctor);
  const res = await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
  expect(res.status).toBe(201);
  return { patient, doctor, appointmentId, conversation: res.body };
}

let counter = 0;
export const clientId = () => `c-${Date.now()}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

/** Sends a text message over REST and returns it. */
export async function sendText(user: TestUser, conversationId: string, content: string) {
  const res = await user.api.post(`/api/chat/conversations/${conversationId}/messages`, { clientMessageId: clientId(), content });
  expect(res.status).toBe(201);
  return res.body;
}
