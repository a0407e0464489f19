import { describe, expect, it } from 'vitest';
import { uniqueId } from '../test/app.js';
import {
  clientId,
  createAdmin,
  createAppointment,
  createDoctor,
  createPair,
  createPatient,
  createStaff,
  sendText,
  setCareTeam,
  type TestUser,
} from '../test/factories.js';
import { useTestApp } from '../test/harness.js';
import { HttpClient } from '../test/http-client.js';

const t = useTestApp();
const putTeam = (doctorId: string, memberIds: string[]) =>
  t.service.put(`/api/integration/doctors/${doctorId}/care-team`, { memberIds });
const teamOf = async (doctorId: string) =>
  (
    await t.db.query<{ member_id: string }>(
      'SELECT member_id FROM care_team_members WHERE doctor_id = $1 ORDER BY member_id',
      [doctorId],
    )
  ).rows.map((r) => r.member_id);
const listOf = async (user: TestUser) => {
  const res = await user.api.get('/api/chat/conversations?limit=100');
  expect(res.status).toBe(200);
  return res.body.data as any[];
};

describe('care teams through the integration API', () => {
  it('provisions STAFF with a designation, alone and in a batch', async () => {
    const id = uniqueId('nurse');
    const put = await t.service.put(`/api/integration/users/${id}`, {
      name: 'Nurse Joy',
      role: 'STAFF',
      status: 'active',
      designation: 'RN',
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id, name: 'Nurse Joy', role: 'STAFF', status: 'active' });
    const ma = uniqueId('ma');
    const batch = await t.service.post('/api/integration/batch', {
      users: [{ id: ma, name: 'Max Assist', role: 'STAFF', status: 'active', designation: 'MA' }],
    });
    expect(batch.body).toEqual({ users: 1, appointments: 0 });
    const { rows } = await t.db.query('SELECT id, role, designation FROM users WHERE id = ANY($1) ORDER BY name', [
      [id, ma],
    ]);
    expect(rows).toEqual([
      { id: ma, role: 'STAFF', designation: 'MA' },
      { id, role: 'STAFF', designation: 'RN' },
    ]);
  });

  it('PUT care-team replaces the whole team, audited, and only with the service key', async () => {
    const [doctor, colleague, joy, max] = await Promise.all([
      createDoctor(t),
      createDoctor(t),
      createStaff(t, 'RN'),
      createStaff(t, 'MA'),
    ]);
    const first = await putTeam(doctor.id, [joy.id, colleague.id]);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ doctorId: doctor.id, memberIds: [colleague.id, joy.id].sort() });
    expect(await teamOf(doctor.id)).toEqual([colleague.id, joy.id].sort());

    expect((await putTeam(doctor.id, [max.id])).status).toBe(200);
    expect(await teamOf(doctor.id)).toEqual([max.id]);
    expect((await putTeam(doctor.id, [])).status).toBe(200);
    expect(await teamOf(doctor.id)).toEqual([]);

    const { rows } = await t.db.query(
      `SELECT actor_role, target_id, details FROM audit_events WHERE action = 'integration.care_team.put'
        AND target_id = $1 ORDER BY id`,
      [doctor.id],
    );
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({ actor_role: 'SERVICE', target_id: doctor.id, details: { members: 2, removed: 0 } });

    const stranger = new HttpClient(t.url, 'not-the-key');
    const refused = await stranger.put(`/api/integration/doctors/${doctor.id}/care-team`, { memberIds: [joy.id] });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHENTICATED');
    expect(await teamOf(doctor.id)).toEqual([]);
  });

  it('answers bad teams with NOT_FOUND for the doctor and VALIDATION_FAILED naming the member at fault', async () => {
    const [doctor, patient, joy, blocked] = await Promise.all([
      createDoctor(t),
      createPatient(t),
      createStaff(t),
      createStaff(t),
    ]);
    await t.service.put(`/api/integration/users/${blocked.id}`, {
      name: blocked.name,
      role: 'STAFF',
      status: 'blocked',
    });
    for (const doctorId of [uniqueId('nobody'), patient.id, joy.id]) {
      const res = await putTeam(doctorId, [joy.id]);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    const bad: [unknown, RegExp][] = [
      [[uniqueId('ghost')], /memberIds: no such user/],
      [[patient.id], /memberIds: must be STAFF or DOCTORs/],
      [[doctor.id], /memberIds: a doctor is not a member of their own team/],
      [[blocked.id], /memberIds: must be active/],
      [[joy.id, joy.id], /memberIds.*repeat/],
      ['x', /memberIds/],
    ];
    for (const [memberIds, message] of bad) {
      const res = await t.service.put(`/api/integration/doctors/${doctor.id}/care-team`, { memberIds });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.message).toMatch(message);
    }
    expect(await teamOf(doctor.id)).toEqual([]);
  });

  it('the batch takes care teams after its people, all or nothing', async () => {
    const doctor = await createDoctor(t);
    const nurse = uniqueId('nurse');
    const ok = await t.service.post('/api/integration/batch', {
      users: [{ id: nurse, name: 'Nurse Batch', role: 'STAFF', status: 'active', designation: 'RN' }],
      careTeams: [{ doctorId: doctor.id, memberIds: [nurse] }],
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ users: 1, appointments: 0, careTeams: 1 });
    expect(await teamOf(doctor.id)).toEqual([nurse]);

    const other = uniqueId('nurse');
    const failed = await t.service.post('/api/integration/batch', {
      users: [{ id: other, name: 'Nurse Never', role: 'STAFF', status: 'active' }],
      careTeams: [
        { doctorId: doctor.id, memberIds: [other] },
        { doctorId: uniqueId('nobody'), memberIds: [] },
      ],
    });
    expect(failed.status).toBe(400);
    expect(failed.body.error.message).toMatch(/careTeams\.1\.doctorId: no such doctor/);
    expect((await t.db.query('SELECT 1 FROM users WHERE id = $1', [other])).rows).toEqual([]);
    expect(await teamOf(doctor.id)).toEqual([nurse]);
  });
});

describe('a nurse on the team', () => {
  it('lists, reads, sends, reacts, types and reads along with the doctor', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const joy = await createStaff(t, 'RN', 'Nurse Joy');
    const before = await sendText(patient, conversation.id, 'The rash is spreading');
    await setCareTeam(t, doctor, [joy]);

    // She sees the history, but it is not unread for her.
    const listed = (await listOf(joy)).find((c) => c.id === conversation.id);
    expect(listed).toMatchObject({ unreadCount: 0, lastReadSeq: before.seq });
    expect(listed.careTeam).toEqual([
      { id: joy.id, name: 'Nurse Joy', role: 'STAFF', online: false, lastSeenAt: null, designation: 'RN' },
    ]);
    const history = await joy.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(history.status).toBe(200);
    expect(history.body.data.map((m: any) => m.content)).toEqual(['The rash is spreading']);

    const [p, d, j] = await Promise.all([t.connect(patient.token), t.connect(doctor.token), t.connect(joy.token)]);
    const seen = await patient.api.get(`/api/chat/conversations/${conversation.id}`);
    expect(seen.body.careTeam).toMatchObject([{ id: joy.id, name: 'Nurse Joy', designation: 'RN', online: true }]);

    const ack = await j.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: 'I am looking at it now',
    });
    expect(ack.ok).toBe(true);
    for (const s of [p, d])
      expect(await s.waitFor('chat:message', (m) => m.id === ack.message.id)).toMatchObject({ senderId: joy.id });

    const react = await joy.api.put(`/api/chat/messages/${before.id}/reactions/${encodeURIComponent('👍')}`);
    expect(react.status).toBe(200);
    expect(await p.waitFor('chat:reaction', (m) => m.id === before.id)).toMatchObject({
      reactions: [expect.objectContaining({ emoji: '👍', userIds: [joy.id] })],
    });

    expect(await j.emitAck('chat:typing:start', { conversationId: conversation.id })).toEqual({ ok: true });
    for (const s of [p, d])
      expect(await s.waitFor('chat:typing', (e) => e.userId === joy.id && e.isTyping)).toBeTruthy();

    const reply = await sendText(patient, conversation.id, 'Thank you');
    await j.waitFor('chat:message', (m) => m.id === reply.id);
    expect(await j.emitAck('chat:read', { conversationId: conversation.id, upToSeq: reply.seq })).toMatchObject({
      ok: true,
    });
    expect(await p.waitFor('chat:read', (r) => r.userId === joy.id)).toMatchObject({
      conversationId: conversation.id,
      userId: joy.id,
      upToSeq: reply.seq,
    });
    // The patient's "read" is the furthest the care side got: the nurse's.
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.peerLastReadSeq).toBe(reply.seq);
  });

  it('her reply answers an urgent message; she may ask for acknowledgement and sees what waits', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const joy = await createStaff(t);
    await setCareTeam(t, doctor, [joy]);
    const urgent = await patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      content: 'I cannot breathe well',
      urgent: true,
    });
    expect(urgent.status).toBe(201);
    expect((await listOf(joy)).find((c) => c.id === conversation.id).urgentAt).not.toBeNull();
    const asked = await joy.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      content: 'Please confirm you read this',
      requestAck: true,
    });
    expect(asked.status).toBe(201);
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.urgentAt).toBeNull();
    for (const who of [joy, doctor]) {
      const pending = await who.api.get('/api/acknowledgements/pending');
      expect(pending.status).toBe(200);
      expect(pending.body.data.map((a: any) => a.messageId)).toEqual([asked.body.id]);
    }
    expect((await joy.api.get('/api/me/saved-replies')).status).toBe(200);
  });

  it('a conversation opened after the team was set has the team in it', async () => {
    const [patient, doctor, joy] = await Promise.all([createPatient(t), createDoctor(t), createStaff(t)]);
    await setCareTeam(t, doctor, [joy]);
    await createAppointment(t, patient, doctor);
    const opened = await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
    expect(opened.status).toBe(201);
    expect(opened.body.careTeam.map((m: any) => m.id)).toEqual([joy.id]);
    const j = await t.connect(joy.token);
    await sendText(patient, opened.body.id, 'Hello');
    expect(await j.waitFor('chat:message')).toMatchObject({ conversationId: opened.body.id });
    // She does not open conversations of her own.
    const own = await joy.api.post('/api/chat/conversations', { participantId: patient.id });
    expect(own.status).toBe(403);
  });

  it('a team of three leaves each conversation once in every list', async () => {
    const doctor = await createDoctor(t);
    const team = await Promise.all([createStaff(t), createStaff(t, 'MA'), createDoctor(t)]);
    const patients = await Promise.all([createPatient(t), createPatient(t), createPatient(t)]);
    const ids: string[] = [];
    for (const patient of patients) {
      await createAppointment(t, patient, doctor);
      const res = await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
      ids.push(res.body.id);
    }
    await setCareTeam(t, doctor, team);
    for (const who of [doctor, ...team]) {
      const list = (await listOf(who)).map((c) => c.id);
      expect(list.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
      expect(new Set(list).size).toBe(list.length);
    }
    const mine = await listOf(patients[0]!);
    expect(mine.map((c) => c.id)).toEqual([ids[0]]);
    expect(mine[0].careTeam).toHaveLength(3);
  });
});

describe('losing access', () => {
  it('taken off the team mid-conversation, she is told, refused, and hears nothing more', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [joy, max] = await Promise.all([createStaff(t), createStaff(t, 'MA')]);
    await setCareTeam(t, doctor, [joy, max]);
    const [j, p] = await Promise.all([t.connect(joy.token), t.connect(patient.token)]);
    const first = await sendText(patient, conversation.id, 'Are you there?');
    await j.waitFor('chat:message', (m) => m.id === first.id);

    await setCareTeam(t, doctor, [max]);
    expect(await j.waitFor('conversation:removed')).toEqual({ conversationId: conversation.id });
    expect((await p.waitFor('conversation:updated', (c) => c.careTeam.length === 1)).careTeam[0].id).toBe(max.id);

    const send = await j.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: 'still here?',
    });
    expect(send).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await j.emitAck('chat:typing:start', { conversationId: conversation.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const history = await joy.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(history.status).toBe(404);
    expect(history.body.error.code).toBe('NOT_FOUND');
    expect((await listOf(joy)).map((c) => c.id)).not.toContain(conversation.id);

    const after = await sendText(patient, conversation.id, 'Hello again');
    await j.roundTrip();
    expect(j.all('chat:message', (m) => m.id === after.id)).toEqual([]);
    expect((await joy.api.get(`/api/chat/conversations/${conversation.id}`)).status).toBe(404);
  });

  it('a blocked member is cut off the same way, and no one else is', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const joy = await createStaff(t);
    await setCareTeam(t, doctor, [joy]);
    const [j, p] = await Promise.all([t.connect(joy.token), t.connect(patient.token)]);
    await t.service.put(`/api/integration/users/${joy.id}`, { name: joy.name, role: 'STAFF', status: 'blocked' });
    expect(await j.waitFor('session:ended')).toEqual({ reason: 'blocked', code: 'USER_BLOCKED' });
    expect((await p.waitFor('conversation:updated', (c) => c.id === conversation.id)).careTeam).toEqual([]);

    // What the rules read for her: not a participant any more, though the conversation stays writable.
    const { rows } = await t.db.query('SELECT member_ids, write_refusal FROM conversation_access WHERE id = $1', [
      conversation.id,
    ]);
    expect(rows[0]).toEqual({ member_ids: [patient.id, doctor.id], write_refusal: null });
    expect((await joy.api.get(`/api/chat/conversations/${conversation.id}/messages`)).status).toBe(401);
    const after = await sendText(doctor, conversation.id, 'We are here');
    await p.waitFor('chat:message', (m) => m.id === after.id);
    expect(j.all('chat:message')).toEqual([]);
  });
});

describe('the patient’s access log', () => {
  it('shows no outside read for the team’s reads, and still shows an admin’s', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const joy = await createStaff(t);
    await setCareTeam(t, doctor, [joy]);
    await sendText(patient, conversation.id, 'Private');
    expect((await joy.api.get(`/api/chat/conversations/${conversation.id}/messages`)).status).toBe(200);
    expect((await joy.api.get(`/api/chat/conversations/${conversation.id}`)).status).toBe(200);
    const { rows } = await t.db.query(
      `SELECT action, actor_role FROM audit_events WHERE actor_id = $1 AND conversation_id = $2 ORDER BY id`,
      [joy.id, conversation.id],
    );
    expect(rows).toEqual([
      { action: 'messages.read', actor_role: 'STAFF' },
      { action: 'conversations.read', actor_role: 'STAFF' },
    ]);
    const log = await patient.api.get(`/api/chat/conversations/${conversation.id}/access-log`);
    expect(log.status).toBe(200);
    expect(log.body.data).toEqual([]);
    // Taken off the team, her earlier reads are still care, not an outside read; an admin's read is one.
    await setCareTeam(t, doctor, []);
    const admin = await createAdmin(t);
    const read = await admin.api.get(`/api/admin/conversations/${conversation.id}/messages`, {
      'x-access-reason': 'Complaint review',
    });
    expect(read.status).toBe(200);
    const after = await patient.api.get(`/api/chat/conversations/${conversation.id}/access-log`);
    expect(after.body.data.map((e: any) => e.actorId)).toEqual([admin.id]);
  });
});
