import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { clientId, createAdmin, createAppointment, createDoctor, createPair, createPatient, sendText } from '../test/factories.js';
import { connectClient } from '../test/socket-client.js';

const t = useTestApp();
const connect = (token: string) => t.connect(token);

describe('appointments gate conversations', () => {
  it('refuses a patient and doctor with no appointment, or only a cancelled one', async () => {
    const [patient, doctor, other] = await Promise.all([createPatient(t), createDoctor(t), createDoctor(t)]);
    await createAppointment(t, patient, other, 'cancelled');
    for (const id of [doctor.id, other.id]) {
      const res = await patient.api.post('/api/chat/conversations', { participantId: id });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('NO_APPOINTMENT');
    }
    expect((await patient.api.get('/api/chat/contacts')).body.data).toEqual([]);
    await createAppointment(t, patient, doctor, 'completed');
    const contacts = (await patient.api.get('/api/chat/contacts')).body.data;
    expect(contacts.map((c: any) => c.id)).toEqual([doctor.id]);
    expect((await doctor.api.post('/api/chat/conversations', { participantId: patient.id })).status).toBe(201);
    expect((await patient.api.post('/api/chat/conversations', { participantId: 'nobody-here' })).status).toBe(404);
    const admin = await createAdmin(t);
    expect((await admin.api.post('/api/chat/conversations', { participantId: patient.id })).status).toBe(403);
  });

  it('cancelling the last shared appointment stops sends at once; history stays readable', async () => {
    const { patient, doctor, conversation, appointmentId } = await createPair(t);
    const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
    await sendText(patient, conversation.id, 'before cancellation');
    const res = await t.service.put(`/api/integration/appointments/${appointmentId}`, {
      patientId: patient.id,
      doctorId: doctor.id,
      startsAt: new Date().toISOString(),
      status: 'cancelled',
    });
    expect(res.status).toBe(200);
    for (const s of [p, d]) await s.waitFor('conversation:updated', (c) => c.id === conversation.id && c.canMessage === false);
    const ack = await p.emitAck('chat:message', { conversationId: conversation.id, clientMessageId: clientId(), content: 'after' });
    expect(ack.error.code).toBe('NO_APPOINTMENT');
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`)).body.data).toHaveLength(1);
  });
});

describe('non-participants learn nothing', () => {
  it('get NOT_FOUND on every door into someone else’s conversation', async () => {
    const { patient, conversation } = await createPair(t);
    const msg = await sendText(patient, conversation.id, 'private');
    const stranger = await createPatient(t);
    const base = `/api/chat/conversations/${conversation.id}`;
    const replies = await Promise.all([
      stranger.api.get(base),
      stranger.api.get(`${base}/messages`),
      stranger.api.get(`${base}/changes?since=0`),
      stranger.api.post(`${base}/messages`, { clientMessageId: clientId(), content: 'hi' }),
      stranger.api.post(`${base}/read`, { upToSeq: 1 }),
      stranger.api.patch(base, { archived: true }),
      stranger.api.patch(`/api/chat/messages/${msg.id}`, { content: 'x' }),
      stranger.api.delete(`/api/chat/messages/${msg.id}?scope=self`),
      stranger.api.put(`/api/chat/messages/${msg.id}/reactions/${encodeURIComponent('👍')}`),
    ]);
    for (const r of replies) {
      expect(r.status).toBe(404);
      expect(JSON.stringify(r.body)).not.toContain('private');
    }
    // The same answer as for a conversation that does not exist.
    expect((await stranger.api.get(`/api/chat/conversations/${crypto.randomUUID()}`)).body).toEqual(replies[0]!.body);
    const s = await connect(stranger.token);
    const ref = { conversationId: conversation.id };
    for (const [event, payload] of [
      ['chat:message', { ...ref, clientMessageId: clientId(), content: 'hi' }],
      ['chat:typing:start', ref],
      ['chat:join', ref],
      ['chat:read', { ...ref, upToSeq: 1 }],
      ['chat:delivered', { ...ref, upToSeq: 1 }],
      ['chat:edit', { messageId: msg.id, content: 'x' }],
      ['chat:delete', { messageId: msg.id, scope: 'self' }],
      ['chat:react', { messageId: msg.id, emoji: '👍', on: true }],
    ] as const)
      expect((await s.emitAck(event, payload)).error.code).toBe('NOT_FOUND');
    const list = await stranger.api.get('/api/chat/conversations');
    expect(list.body.data.map((c: any) => c.id)).not.toContain(conversation.id);
  });

  it('patients and doctors cannot use admin endpoints', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    for (const user of [patient, doctor]) {
      expect((await user.api.get('/api/admin/conversations')).status).toBe(403);
      expect((await user.api.get(`/api/admin/conversations/${conversation.id}/messages`)).status).toBe(403);
      expect((await user.api.get('/api/admin/audit')).status).toBe(403);
      expect((await user.api.post(`/api/admin/users/${patient.id}/block`)).status).toBe(403);
    }
  });
});

describe('blocked and deleted users', () => {
  for (const how of ['admin', 'integration'] as const)
    it(`are cut off at once when blocked through the ${how} API, sockets included`, async () => {
      const { patient, doctor, conversation } = await createPair(t);
      const [p, d] = await Promise.all([connect(patient.token), connect(doctor.token)]);
      const admin = await createAdmin(t);
      const block = () =>
        how === 'admin'
          ? admin.api.post(`/api/admin/users/${patient.id}/block`)
          : t.service.put(`/api/integration/users/${patient.id}`, { name: patient.name, role: 'PATIENT', status: 'blocked' });
      const res = await block();
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('blocked');
      expect((await p.waitFor('session:ended')).code).toBe('USER_BLOCKED');
      await new Promise<void>((resolve) => (p.socket.disconnected ? resolve() : p.socket.once('disconnect', () => resolve())));
      expect(p.socket.connected).toBe(false);
      expect((await patient.api.get('/api/chat/conversations')).status).toBe(401);
      await expect(connectClient(t.url, { token: patient.token })).rejects.toThrow('UNAUTHENTICATED');
      const ack = await d.emitAck('chat:message', { conversationId: conversation.id, clientMessageId: clientId(), content: 'hello?' });
      expect(ack.error.code).toBe('USER_BLOCKED');
      expect((await doctor.api.get('/api/chat/contacts')).body.data.map((c: any) => c.id)).not.toContain(patient.id);

      const unblock =
        how === 'admin'
          ? await admin.api.post(`/api/admin/users/${patient.id}/unblock`)
          : await t.service.put(`/api/integration/users/${patient.id}`, { name: patient.name, role: 'PATIENT', status: 'active' });
      expect(unblock.body.status).toBe('active');
      expect((await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, { clientMessageId: clientId(), content: 'back' })).status).toBe(201);
    });

  it('a deleted user can no longer sign in or be messaged', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const d = await connect(doctor.token);
    await t.service.put(`/api/integration/users/${doctor.id}`, { name: doctor.name, role: 'DOCTOR', status: 'deleted' });
    expect((await d.waitFor('session:ended')).reason).toBe('deleted');
    expect((await doctor.api.get('/api/auth/me')).status).toBe(401);
    const res = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, { clientMessageId: clientId(), content: 'hi' });
    expect(res.body.error.code).toBe('USER_BLOCKED');
  });
});
