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

/** A nurse or medical assistant (care teams), with a designation such as "RN". */
export async function createStaff(t: Target, designation = 'RN', name?: string): Promise<TestUser> {
  const staff = await createUser(t, 'STAFF', name);
  const res = await t.service.put(`/api/integration/users/${staff.id}`, {
    name: staff.name,
    role: 'STAFF',
    status: 'active',
    designation,
  });
  expect(res.status).toBe(200);
  return staff;
}

/** Replaces `doctor`'s care team through the integration API. */
export async function setCareTeam(t: Target, doctor: { id: string }, members: { id: string }[]): Promise<void> {
  const res = await t.service.put(`/api/integration/doctors/${doctor.id}/care-team`, {
    memberIds: members.map((m) => m.id),
  });
  expect(res.status).toBe(200);
}

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

/**
 * `count` patients, each with a scheduled appointment with `doctor`, in one integration batch.
 * Named `Patient 000 <tag>`, `Patient 001 <tag>`…: sorted by name in the order they were made.
 */
export async function createPatientsOf(
  t: Target,
  doctor: { id: string },
  count: number,
  tag = uniqueId('p'),
): Promise<{ id: string; name: string }[]> {
  const patients = Array.from({ length: count }, (_, i) => ({
    id: `${tag}-${i}`,
    name: `Patient ${String(i).padStart(3, '0')} ${tag}`,
    role: 'PATIENT',
    status: 'active',
  }));
  const appointments = patients.map((p) => ({
    id: `${p.id}-a`,
    patientId: p.id,
    doctorId: doctor.id,
    startsAt: new Date().toISOString(),
    status: 'scheduled',
  }));
  expect((await t.service.post('/api/integration/batch', { users: patients, appointments })).status).toBe(200);
  return patients.map(({ id, name }) => ({ id, name }));
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
  const res = await user.api.post(`/api/chat/conversations/${conversationId}/messages`, {
    clientMessageId: clientId(),
    content,
  });
  expect(res.status).toBe(201);
  return res.body;
}

/** Uploads a file into a conversation over REST, as a browser would (multipart, the field first unless told). */
export async function upload(
  app: Pick<TestApp, 'url'>,
  user: TestUser,
  conversationId: string | null,
  bytes: Buffer,
  name = 'file.bin',
  fieldsFirst = true,
) {
  const form = new FormData();
  // A copy in a plain ArrayBuffer: Blob takes no view of a possibly shared one (the DOM's typing).
  const file = new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' });
  if (fieldsFirst && conversationId) form.append('conversationId', conversationId);
  form.append('file', file, name);
  if (!fieldsFirst && conversationId) form.append('conversationId', conversationId);
  const res = await fetch(`${app.url}/api/chat/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as any };
}
