import { describe, expect, it } from 'vitest';
import {
  createAppointment,
  createDoctor,
  createPatient,
  createStaff,
  sendText,
  setCareTeam,
  type TestUser,
} from '../test/factories.js';
import { useTestApp } from '../test/harness.js';

const t = useTestApp();

/** A doctor with Nurse Joy on the team, and `n` patients each with their conversation, opened. */
async function clinic(n: number) {
  const [doctor, joy] = await Promise.all([createDoctor(t), createStaff(t, 'RN', 'Nurse Joy')]);
  await setCareTeam(t, doctor, [joy]);
  const patients = await Promise.all(Array.from({ length: n }, () => createPatient(t)));
  const conversations: string[] = [];
  for (const patient of patients) {
    await createAppointment(t, patient, doctor);
    const res = await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
    expect(res.status).toBe(201);
    conversations.push(res.body.id);
  }
  return { doctor, joy, patients, conversations };
}

const needsReply = async (user: TestUser, query = '') => {
  const res = await user.api.get(`/api/chat/conversations?needsReply=true${query}`);
  expect(res.status).toBe(200);
  return res.body as { data: any[]; nextCursor: string | null };
};

describe('the needs-reply list', () => {
  it('holds those whose patient wrote last, longest waiting first, for the doctor and the team', async () => {
    const { doctor, joy, patients, conversations } = await clinic(4);
    const [a, b, c] = conversations as [string, string, string, string];
    const [pa, pb, pc] = patients as [TestUser, TestUser, TestUser, TestUser];
    const firstA = await sendText(pa, a, 'The rash is spreading');
    const firstB = await sendText(pb, b, 'Can I take ibuprofen?');
    await sendText(pc, c, 'Is my result in?');
    // The fourth conversation has no message: nobody waits in it.
    await sendText(joy, c, 'Yes, it is normal');
    const secondA = await sendText(pa, a, 'And it itches');

    for (const viewer of [doctor, joy]) {
      const { data, nextCursor } = await needsReply(viewer);
      expect(data.map((x) => x.id)).toEqual([a, b]);
      // A second message keeps the time of the first one not answered.
      expect(data[0].waitingSince).toBe(firstA.createdAt);
      expect(data[1].waitingSince).toBe(firstB.createdAt);
      expect(nextCursor).toBeNull();
    }
    expect(secondA.createdAt > firstA.createdAt).toBe(true);
    // The whole list still has all four, each saying whether it waits.
    const all = (await joy.api.get('/api/chat/conversations')).body.data as any[];
    expect(new Map(all.map((x) => [x.id, x.waitingSince]))).toEqual(
      new Map([
        [a, firstA.createdAt],
        [b, firstB.createdAt],
        [c, null],
        [conversations[3], null],
      ]),
    );

    // The doctor answers a: it leaves the list; the patient writing again starts a new wait.
    await sendText(doctor, a, 'Send me a photo');
    expect((await needsReply(joy)).data.map((x) => x.id)).toEqual([b]);
    const again = await sendText(pa, a, 'Here it is');
    const after = (await needsReply(joy)).data;
    expect(after.map((x) => x.id)).toEqual([b, a]);
    expect(after[1].waitingSince).toBe(again.createdAt);
  });

  it('follows deletions: the newest messages left say who waits', async () => {
    const { joy, patients, conversations } = await clinic(1);
    const [patient, id] = [patients[0]!, conversations[0]!];
    const question = await sendText(patient, id, 'Is this normal?');
    const answer = await sendText(joy, id, 'Yes');
    expect((await needsReply(joy)).data).toEqual([]);

    // The answer deleted for everyone, the question waits again, since its own time.
    expect((await joy.api.delete(`/api/chat/messages/${answer.id}?scope=everyone`)).status).toBe(204);
    expect((await needsReply(joy)).data.map((x) => [x.id, x.waitingSince])).toEqual([[id, question.createdAt]]);
    // The patient takes the question back: nothing waits.
    expect((await patient.api.delete(`/api/chat/messages/${question.id}?scope=everyone`)).status).toBe(204);
    expect((await needsReply(joy)).data).toEqual([]);
  });

  it('pages by waiting time with its own cursor, which the other order refuses', async () => {
    const { doctor, patients, conversations } = await clinic(5);
    for (const [i, patient] of patients.entries()) await sendText(patient, conversations[i]!, `question ${i}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { data: any[]; nextCursor: string | null } = await needsReply(
        doctor,
        `&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.data.map((x) => x.id));
      cursor = page.nextCursor;
      pages++;
      // A conversation answered between pages does not shift the rest.
      if (pages === 1) await sendText(doctor, conversations[2]!, 'answered meanwhile');
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual([conversations[0], conversations[1], conversations[3], conversations[4]]);

    const activity = (await doctor.api.get('/api/chat/conversations?limit=2')).body.nextCursor as string;
    const waiting = (await needsReply(doctor, '&limit=2')).nextCursor as string;
    for (const url of [
      `/api/chat/conversations?needsReply=true&cursor=${activity}`,
      `/api/chat/conversations?cursor=${waiting}`,
    ]) {
      const res = await doctor.api.get(url);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^cursor/) });
    }
  });

  it('is refused to a patient (FORBIDDEN), who sees only their own conversation', async () => {
    const { patients, conversations } = await clinic(2);
    const [patient, other] = patients as [TestUser, TestUser];
    await sendText(other, conversations[1]!, 'waiting');
    const res = await patient.api.get('/api/chat/conversations?needsReply=true');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    const own = (await patient.api.get('/api/chat/conversations')).body.data as any[];
    expect(own.map((x) => x.id)).toEqual([conversations[0]]);
  });
});

describe('assigning a conversation', () => {
  it('a nurse assigns herself over the socket: the team sees it live, the patient never, audited', async () => {
    const { doctor, joy, patients, conversations } = await clinic(1);
    const [patient, id] = [patients[0]!, conversations[0]!];
    const [p, d, j] = await Promise.all([t.connect(patient.token), t.connect(doctor.token), t.connect(joy.token)]);

    const ack = await j.emitAck('conversation:assign', { conversationId: id, userId: joy.id });
    expect(ack).toMatchObject({ ok: true, conversation: { id, assignee: { id: joy.id, name: 'Nurse Joy' } } });
    expect(ack.conversation.assignee).toMatchObject({ role: 'STAFF', designation: 'RN', online: true });
    const seen = await d.waitFor('conversation:updated', (c) => c.id === id && c.assignee?.id === joy.id);
    expect(seen.assignee.name).toBe('Nurse Joy');
    await j.waitFor('conversation:updated', (c) => c.id === id && c.assignee?.id === joy.id);

    // The patient's devices hear of the update with no assignee, and their reads show none.
    expect(await p.waitFor('conversation:updated', (c) => c.id === id)).toMatchObject({ assignee: null });
    expect(p.all('conversation:updated').every((c) => c.assignee === null)).toBe(true);
    expect((await patient.api.get(`/api/chat/conversations/${id}`)).body.assignee).toBeNull();
    expect((await patient.api.get('/api/chat/conversations')).body.data[0].assignee).toBeNull();
    expect((await doctor.api.get(`/api/chat/conversations/${id}`)).body.assignee.id).toBe(joy.id);

    // Over HTTP, the doctor hands it to himself, then to nobody.
    const toDoctor = await doctor.api.put(`/api/chat/conversations/${id}/assignee`, { userId: doctor.id });
    expect(toDoctor.status).toBe(200);
    expect(toDoctor.body.assignee).toMatchObject({ id: doctor.id, role: 'DOCTOR' });
    await j.waitFor('conversation:updated', (c) => c.id === id && c.assignee?.id === doctor.id);
    const nobody = await doctor.api.put(`/api/chat/conversations/${id}/assignee`, { userId: null });
    expect(nobody.body.assignee).toBeNull();
    await j.waitFor('conversation:updated', (c) => c.id === id && c.assignee === null);

    const { rows } = await t.db.query(
      `SELECT actor_id, actor_role, target_id, details FROM audit_events
        WHERE action = 'conversations.assign' AND conversation_id = $1 ORDER BY id`,
      [id],
    );
    expect(rows).toEqual([
      { actor_id: joy.id, actor_role: 'STAFF', target_id: joy.id, details: { assigned: true } },
      { actor_id: doctor.id, actor_role: 'DOCTOR', target_id: doctor.id, details: { assigned: true } },
      { actor_id: doctor.id, actor_role: 'DOCTOR', target_id: null, details: { assigned: false } },
    ]);
  });

  it('takes only a clinician taking part, and only someone of the care side as the assignee', async () => {
    const { doctor, joy, patients, conversations } = await clinic(1);
    const [patient, id] = [patients[0]!, conversations[0]!];
    const [outsider, otherDoctor] = await Promise.all([createStaff(t), createDoctor(t)]);
    const put = (user: TestUser, userId: string | null) =>
      user.api.put(`/api/chat/conversations/${id}/assignee`, { userId });

    const byPatient = await put(patient, joy.id);
    expect([byPatient.status, byPatient.body.error.code]).toEqual([403, 'FORBIDDEN']);
    // Someone not taking part learns nothing of the conversation.
    for (const stranger of [outsider, otherDoctor]) {
      const res = await put(stranger, stranger.id);
      expect([res.status, res.body.error.code]).toEqual([404, 'NOT_FOUND']);
    }
    for (const userId of [outsider.id, patient.id, otherDoctor.id, 'nobody-at-all']) {
      const res = await put(doctor, userId);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^userId/) });
    }
    const s = await t.connect(patient.token);
    expect(await s.emitAck('conversation:assign', { conversationId: id, userId: doctor.id })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect((await doctor.api.get(`/api/chat/conversations/${id}`)).body.assignee).toBeNull();
  });

  it('clears when the assignee leaves the team, and the doctor sees it live', async () => {
    const { doctor, joy, conversations } = await clinic(2);
    const max = await createStaff(t, 'MA', 'Max Assist');
    await setCareTeam(t, doctor, [joy, max]);
    for (const id of conversations)
      expect((await joy.api.put(`/api/chat/conversations/${id}/assignee`, { userId: joy.id })).status).toBe(200);
    const d = await t.connect(doctor.token);

    await setCareTeam(t, doctor, [max]);
    for (const id of conversations) {
      await d.waitFor('conversation:updated', (c) => c.id === id && c.assignee === null);
      expect((await doctor.api.get(`/api/chat/conversations/${id}`)).body.assignee).toBeNull();
    }
    // Back on the team, she is not assigned again by it; and she may be assigned anew.
    await setCareTeam(t, doctor, [max, joy]);
    const again = await doctor.api.put(`/api/chat/conversations/${conversations[0]}/assignee`, { userId: joy.id });
    expect(again.body.assignee.id).toBe(joy.id);
    expect((await doctor.api.get(`/api/chat/conversations/${conversations[1]}`)).body.assignee).toBeNull();
  });
});
