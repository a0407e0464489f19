import { describe, expect, it } from 'vitest';
import { auditRowsOf } from '../test/audit.js';
import { useTestApp } from '../test/harness.js';
import { clientId, createAppointment, createPair, createPatient, sendText, type TestUser } from '../test/factories.js';

const NOTICE = 'If this is an emergency, call 911. This chat is read in office hours.';
const t = useTestApp({ EMERGENCY_NOTICE: NOTICE });

/** A message over REST with the send's extension flags. */
async function send(user: TestUser, conversationId: string, content: string, flags: object) {
  return user.api.post(`/api/chat/conversations/${conversationId}/messages`, {
    clientMessageId: clientId(),
    content,
    ...flags,
  });
}

describe('acknowledgement requested', () => {
  it('is asked for by the clinician only, over REST and the socket alike; the patient sees it live', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const patientSocket = await t.connect(patient.token);
    const byRest = await send(doctor, conversation.id, 'Stop taking the medication', { requestAck: true });
    expect(byRest.status).toBe(201);
    expect(byRest.body.acknowledgement).toEqual({ acknowledgedAt: null, acknowledgedBy: null });
    const live = await patientSocket.waitFor('chat:message', (m) => m.id === byRest.body.id);
    expect(live.acknowledgement).toEqual({ acknowledgedAt: null, acknowledgedBy: null });

    const doctorSocket = await t.connect(doctor.token);
    const bySocket = await doctorSocket.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: 'Please also book a blood test',
      requestAck: true,
    });
    expect(bySocket.ok).toBe(true);
    expect(bySocket.message.acknowledgement).toEqual({ acknowledgedAt: null, acknowledgedBy: null });
    // A message that did not ask carries no acknowledgement field at all (older clients see nothing new).
    expect((await sendText(doctor, conversation.id, 'plain')).acknowledgement).toBeUndefined();

    const refused = await send(patient, conversation.id, 'Read this, doctor', { requestAck: true });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    const refusedSocket = await patientSocket.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: 'Read this, doctor',
      requestAck: true,
    });
    expect(refusedSocket).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const history = await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(history.body.data.map((m: { content: string }) => m.content)).not.toContain('Read this, doctor');
  });

  it('is acknowledged by the patient only, once, audited, and the doctor sees it live and on catch-up', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const other = await createPatient(t);
    const sent = (await send(doctor, conversation.id, 'Stop taking the medication', { requestAck: true })).body;
    const plain = await sendText(doctor, conversation.id, 'no acknowledgement asked');
    const doctorSocket = await t.connect(doctor.token);
    const patientSocket = await t.connect(patient.token);

    expect((await doctor.api.post(`/api/chat/messages/${sent.id}/acknowledge`, {})).body.error.code).toBe('FORBIDDEN');
    expect((await other.api.post(`/api/chat/messages/${sent.id}/acknowledge`, {})).status).toBe(404);
    expect((await patient.api.post(`/api/chat/messages/${plain.id}/acknowledge`, {})).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
    // Reading is not acknowledging: the receipt moves, the acknowledgement does not.
    await patient.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq: plain.seq });
    const stillWaiting = await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(stillWaiting.body.data[0].acknowledgement.acknowledgedAt).toBeNull();

    const ack = await patientSocket.emitAck('chat:acknowledge', { messageId: sent.id });
    expect(ack.ok).toBe(true);
    expect(ack.message.acknowledgement).toEqual({ acknowledgedAt: expect.any(String), acknowledgedBy: patient.id });
    expect(ack.message.rev).toBeGreaterThan(plain.rev);
    const seen = await doctorSocket.waitFor('chat:acknowledged', (m) => m.id === sent.id);
    expect(seen.acknowledgement).toEqual(ack.message.acknowledgement);
    expect(seen.content).toBe('Stop taking the medication');

    // Once: again over REST, the same answer and nothing new anywhere.
    const again = await patient.api.post(`/api/chat/messages/${sent.id}/acknowledge`, {});
    expect(again.status).toBe(200);
    expect(again.body.acknowledgement).toEqual(ack.message.acknowledgement);
    await doctorSocket.roundTrip();
    expect(doctorSocket.all('chat:acknowledged')).toHaveLength(1);
    const audited = await auditRowsOf(t.db, patient.id, 'messages.acknowledge');
    expect(audited).toEqual([
      expect.objectContaining({ outcome: 'success', conversation_id: conversation.id, message_id: sent.id }),
    ]);

    // A device that was away converges through the changes feed.
    const changes = await doctor.api.get(`/api/chat/conversations/${conversation.id}/changes?since=${plain.rev}`);
    expect(changes.body.data).toEqual([
      expect.objectContaining({ id: sent.id, acknowledgement: seen.acknowledgement }),
    ]);
  });

  it("lists the clinician's messages still waiting, with reminders sent; no one else's", async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const otherPair = await createPair(t);
    const sent = (await send(doctor, conversation.id, 'Please confirm', { requestAck: true })).body;
    await send(otherPair.doctor, otherPair.conversation.id, 'Someone else’s', { requestAck: true });

    const pending = await doctor.api.get('/api/acknowledgements/pending');
    expect(pending.status).toBe(200);
    expect(pending.body.data).toEqual([
      {
        messageId: sent.id,
        conversationId: conversation.id,
        seq: sent.seq,
        patient: { id: patient.id, name: patient.name },
        sentAt: sent.createdAt,
        reminders: 0,
      },
    ]);
    expect((await patient.api.get('/api/acknowledgements/pending')).status).toBe(403);
    expect((await t.anon.get('/api/acknowledgements/pending')).status).toBe(401);

    await patient.api.post(`/api/chat/messages/${sent.id}/acknowledge`, {});
    expect((await doctor.api.get('/api/acknowledgements/pending')).body.data).toEqual([]);
  });
});

describe('urgent messages', () => {
  it('is marked by the patient only; the conversation tops the doctor’s list until the doctor replies', async () => {
    const patient = await createPair(t);
    const { doctor } = patient;
    const second = await createPatient(t);
    await createAppointment(t, second, doctor);
    const other = await second.api.post('/api/chat/conversations', { participantId: doctor.id });
    const urgentConv = patient.conversation.id;
    const doctorSocket = await t.connect(doctor.token);

    const urgent = await send(patient.patient, urgentConv, 'My chest hurts', { urgent: true });
    expect(urgent.status).toBe(201);
    expect(urgent.body.urgent).toBe(true);
    expect((await doctorSocket.waitFor('chat:message', (m) => m.id === urgent.body.id)).urgent).toBe(true);
    // Another conversation is busier since, and the page is one row long: the urgent one still comes first.
    await sendText(second, other.body.id, 'A routine question');
    const page = await doctor.api.get('/api/chat/conversations?limit=1');
    expect(page.body.data.map((c: { id: string }) => c.id)).toEqual([urgentConv, other.body.id]);
    expect(page.body.data[0].urgentAt).toBe(urgent.body.createdAt);
    expect(page.body.data[1].urgentAt).toBeNull();
    // The patient's next message keeps it urgent; a doctor cannot mark one.
    await sendText(patient.patient, urgentConv, 'It is getting worse');
    const refused = await send(doctor, urgentConv, 'urgent?', { urgent: true });
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect((await doctor.api.get(`/api/chat/conversations/${urgentConv}`)).body.urgentAt).toBe(urgent.body.createdAt);

    await sendText(doctor, urgentConv, 'Call the emergency number now');
    const after = await doctor.api.get('/api/chat/conversations');
    expect(after.body.data[0].id).toBe(urgentConv); // newest activity now, no longer for urgency
    expect(after.body.data[0].urgentAt).toBeNull();
    await sendText(second, other.body.id, 'Another routine question');
    expect((await doctor.api.get('/api/chat/conversations')).body.data[0].id).toBe(other.body.id);
  });

  it("gives the patient the clinic's emergency notice, and not the doctor", async () => {
    const { patient, doctor, conversation } = await createPair(t);
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.emergencyNotice).toBe(NOTICE);
    expect((await doctor.api.get(`/api/chat/conversations/${conversation.id}`)).body.emergencyNotice).toBeUndefined();
  });
});
