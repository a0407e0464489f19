import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { uniqueId } from '../test/app.js';
import { nodesReading, planOf } from '../test/plans.js';
import { findConversationViews } from './conversations.store.js';
import {
  createAdmin,
  createAppointment,
  createDoctor,
  createPair,
  createPatient,
  sendText,
  type TestUser,
  createPatientsOf,
} from '../test/factories.js';

const t = useTestApp();

/** A patient with one conversation per doctor name, opened in the order given. */
async function patientWithDoctors(names: string[], patientName?: string) {
  const patient = await createPatient(t, patientName);
  const convs: { doctor: TestUser; id: string }[] = [];
  for (const name of names) {
    const doctor = await createDoctor(t, name);
    await createAppointment(t, patient, doctor);
    const res = await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
    expect(res.status).toBe(201);
    convs.push({ doctor, id: res.body.id });
  }
  return { patient, convs };
}

/** Every page of the caller's list, following nextCursor. */
async function walk(user: TestUser, query = '', limit = 2) {
  const ids: string[] = [];
  const pages: number[] = [];
  let cursor: string | null = null;
  for (;;) {
    const res: any = await user.api.get(
      `/api/chat/conversations?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeLessThanOrEqual(limit);
    ids.push(...res.body.data.map((c: any) => c.id));
    pages.push(res.body.data.length);
    if (!res.body.nextCursor) return { ids, pages };
    expect(pages.length).toBeLessThan(50);
    cursor = res.body.nextCursor;
  }
}

const listIds = async (user: TestUser, query = '') => {
  const res = await user.api.get(`/api/chat/conversations${query}`);
  expect(res.status).toBe(200);
  return res.body.data.map((c: any) => c.id) as string[];
};
const view = async (user: TestUser, id: string) => {
  const res = await user.api.get(`/api/chat/conversations/${id}`);
  expect(res.status).toBe(200);
  return res.body;
};

describe('the conversation list', () => {
  it('orders by newest activity, reorders on a new message, and pages with a cursor visiting each once', async () => {
    const { patient, convs } = await patientWithDoctors([
      'Dr. A',
      'Dr. B',
      'Dr. C',
      'Dr. D',
      'Dr. E',
      'Dr. F',
      'Dr. G',
    ]);
    const ids = convs.map((c) => c.id);
    // Opened last is newest.
    expect(await listIds(patient)).toEqual([...ids].reverse());
    const walked = await walk(patient, '', 3);
    expect(walked.ids).toEqual([...ids].reverse());
    expect(walked.pages).toEqual([3, 3, 1]);

    // A message moves its conversation to the top, whoever sends it.
    await sendText(convs[1]!.doctor, ids[1]!, 'bump from the doctor');
    expect((await listIds(patient))[0]).toBe(ids[1]);
    await sendText(patient, ids[3]!, 'bump from the patient');
    const expected = [ids[3], ids[1], ids[6], ids[5], ids[4], ids[2], ids[0]];
    expect(await listIds(patient)).toEqual(expected);
    expect((await walk(patient, '', 2)).ids).toEqual(expected);
    expect((await listIds(convs[3]!.doctor))[0]).toBe(ids[3]);

    // Conversations with the same activity time are still each visited once (the id breaks
    // ties). In the past, so no other test file's list finds these at its top.
    await t.db.query(
      `UPDATE conversations SET activity_at = '2001-01-01T00:00:00.123456Z' WHERE id = ANY($1::uuid[])`,
      [ids.slice(0, 5)],
    );
    const tied = await walk(patient, '', 2);
    expect(tied.ids).toEqual([ids[6], ids[5], ...[...ids.slice(0, 5)].sort().reverse()]);

    const limit = await patient.api.get('/api/chat/conversations?limit=101');
    expect(limit.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await patient.api.get('/api/chat/conversations?cursor=garbage')).body.error.code).toBe('VALIDATION_FAILED');
    expect((await patient.api.get('/api/chat/conversations?archived=maybe')).body.error.code).toBe('VALIDATION_FAILED');
    // Someone else's list holds none of them.
    const other = await createPatient(t);
    expect((await walk(other)).ids).toEqual([]);
  });

  it('shows the text decrypted, cut to 100 characters at most, a label if deleted; skips what is hidden', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const id = conversation.id;
    expect((await view(patient, id)).lastMessage).toBeNull();

    const exactly100 = 'x'.repeat(99) + 'y';
    await sendText(doctor, id, exactly100);
    expect((await view(patient, id)).lastMessage.preview).toBe(exactly100);

    const long =
      'Please remember to fast for twelve hours before the blood test; water is fine, coffee is not. Thanks!!';
    expect(long.length).toBe(102);
    const sent = await sendText(doctor, id, long);
    const forPatient = await view(patient, id);
    expect(forPatient.lastMessage).toMatchObject({
      id: sent.id,
      seq: 2,
      senderId: doctor.id,
      createdAt: sent.createdAt,
    });
    const preview: string = forPatient.lastMessage.preview;
    expect([...preview].length).toBeLessThanOrEqual(100);
    expect(preview.length).toBeGreaterThanOrEqual(99);
    expect(long.startsWith(preview.replace(/…$/, ''))).toBe(true);
    const inList = (await patient.api.get('/api/chat/conversations')).body.data.find((c: any) => c.id === id);
    expect(inList.lastMessage).toEqual(forPatient.lastMessage);

    // Emoji are never cut in half.
    await sendText(doctor, id, '🩺'.repeat(150));
    const emoji: string = (await view(patient, id)).lastMessage.preview;
    expect([...emoji].length).toBeLessThanOrEqual(100);
    expect([...emoji].every((c) => c === '🩺' || c === '…')).toBe(true);

    // The caller's own "delete for me" is skipped for them only.
    const mine = await sendText(patient, id, 'ok, thanks');
    expect((await patient.api.delete(`/api/chat/messages/${mine.id}?scope=self`)).status).toBe(204);
    expect((await view(patient, id)).lastMessage.preview).toBe(emoji);
    expect((await view(doctor, id)).lastMessage).toMatchObject({ id: mine.id, preview: 'ok, thanks' });
    // Deleted for everyone: a label for both (the patient still hid it, so they keep skipping it).
    const gone = await sendText(doctor, id, 'sent to the wrong patient');
    expect((await doctor.api.delete(`/api/chat/messages/${gone.id}?scope=everyone`)).status).toBe(204);
    for (const u of [patient, doctor])
      expect((await view(u, id)).lastMessage).toMatchObject({ id: gone.id, preview: 'Message deleted' });
    const listed = (await doctor.api.get('/api/chat/conversations')).body.data.find((c: any) => c.id === id);
    expect(listed.lastMessage.preview).toBe('Message deleted');

    // Hiding every message leaves nothing to show.
    const solo = await createPair(t);
    const only = await sendText(solo.doctor, solo.conversation.id, 'only one');
    await solo.patient.api.delete(`/api/chat/messages/${only.id}?scope=self`);
    expect((await view(solo.patient, solo.conversation.id)).lastMessage).toBeNull();
    expect((await view(solo.doctor, solo.conversation.id)).lastMessage.preview).toBe('only one');
  });

  it('counts unread messages per viewer', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const id = conversation.id;
    const unread = async (u: TestUser) => {
      const single = (await view(u, id)).unreadCount;
      const listed = (await u.api.get('/api/chat/conversations')).body.data.find((c: any) => c.id === id).unreadCount;
      expect(listed).toBe(single);
      return single;
    };
    const m1 = await sendText(patient, id, 'one');
    const m2 = await sendText(patient, id, 'two');
    const m3 = await sendText(patient, id, 'three');
    expect([await unread(doctor), await unread(patient)]).toEqual([3, 0]);
    expect((await doctor.api.post(`/api/chat/conversations/${id}/read`, { upToSeq: m1.seq })).body).toEqual({
      lastReadSeq: 1,
      unreadCount: 2,
    });
    expect(await unread(doctor)).toBe(2);
    await patient.api.delete(`/api/chat/messages/${m3.id}?scope=everyone`);
    expect(await unread(doctor)).toBe(1);
    await doctor.api.delete(`/api/chat/messages/${m2.id}?scope=self`);
    expect(await unread(doctor)).toBe(0);
    await sendText(patient, id, 'four');
    expect(await unread(doctor)).toBe(1);
    // Sending marks everything before it read for the sender.
    await sendText(doctor, id, 'reply');
    expect([await unread(doctor), await unread(patient)]).toEqual([0, 1]);
    expect((await view(doctor, id)).lastReadSeq).toBe(5);
    expect((await view(patient, id)).peerLastReadSeq).toBe(5);
  });

  it('builds a page’s views for its own rows only, however many conversations the viewer has', async () => {
    const doctor = await createDoctor(t);
    const tag = uniqueId('list');
    const patients = await createPatientsOf(t, doctor, 300, tag);
    for (let i = 0; i < patients.length; i += 25)
      await Promise.all(
        patients
          .slice(i, i + 25)
          .map(async (p) =>
            expect((await doctor.api.post('/api/chat/conversations', { participantId: p.id })).status).toBe(201),
          ),
      );
    const last = await sendText(
      doctor,
      (await doctor.api.get('/api/chat/conversations?limit=1')).body.data[0].id,
      'the newest',
    );

    // The list's own statement, measured: every scan of messages (the last message, counts) runs once per
    // row shown at most.
    const c = await t.db.connect();
    try {
      const explain = {
        query: (sql: string, params: unknown[]) => c.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params),
      };
      for (const filter of [{}, { q: tag }]) {
        const rows = (await findConversationViews(explain as never, doctor.id, {
          memberOnly: true,
          limit: 21,
          ...filter,
        })) as unknown as Record<string, unknown>[];
        const loops = nodesReading(planOf(rows), 'messages').map((n) => n['Actual Loops']);
        expect(loops.length).toBeGreaterThan(0);
        expect(Math.max(...loops)).toBeLessThanOrEqual(21);
      }
    } finally {
      c.release();
    }
    // And the page itself is right: the newest first, 20 of 300, then a cursor.
    const page = await doctor.api.get('/api/chat/conversations?limit=20');
    expect(page.body.data).toHaveLength(20);
    expect(page.body.data[0].lastMessage).toMatchObject({ id: last.id });
    expect(page.body.nextCursor).toEqual(expect.any(String));
  });

  it('searches the other participant’s name, with % and _ taken literally', async () => {
    const { patient, convs } = await patientWithDoctors(
      ['Dr. Ana Lopez', 'Dr. Anna Lee', 'Dr. 100% Sure_Thing', 'Dr. 1000 Sure Thing'],
      `Pat Search ${Date.now()}`,
    );
    const search = async (user: TestUser, q: string) => {
      const res = await user.api.get(`/api/chat/conversations?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      return res.body.data.map((c: any) => (user === patient ? c.doctor.name : c.patient.name)).sort();
    };
    expect(await search(patient, 'ana')).toEqual(['Dr. Ana Lopez']);
    expect(await search(patient, 'AN')).toEqual(['Dr. Ana Lopez', 'Dr. Anna Lee']);
    expect(await search(patient, '  lee ')).toEqual(['Dr. Anna Lee']);
    expect(await search(patient, '100%')).toEqual(['Dr. 100% Sure_Thing']);
    expect(await search(patient, '%')).toEqual(['Dr. 100% Sure_Thing']);
    expect(await search(patient, '_')).toEqual(['Dr. 100% Sure_Thing']);
    expect(await search(patient, 'Sure_')).toEqual(['Dr. 100% Sure_Thing']);
    expect(await search(patient, '\\')).toEqual([]);
    expect(await search(patient, 'Pat Search')).toEqual([]); // my own name matches nothing
    expect(await search(convs[0]!.doctor, 'pat search')).toEqual([patient.name]);
    expect(await search(convs[0]!.doctor, 'Dr.')).toEqual([]);
    const paged = await walk(patient, `&q=${encodeURIComponent('sure')}`, 1);
    expect(paged.ids.sort()).toEqual([convs[2]!.id, convs[3]!.id].sort());
  });

  it('archives per user: off the default list, on archived=true, the peer unaffected, every device told', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const id = conversation.id;
    const [phone, laptop, doctorDevice] = await Promise.all([
      t.connect(patient.token),
      t.connect(patient.token),
      t.connect(doctor.token),
    ]);
    const archived = await patient.api.patch(`/api/chat/conversations/${id}`, { archived: true });
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ id, archived: true });
    for (const device of [phone, laptop]) {
      const event = await device.waitFor('conversation:updated', (c) => c.id === id && c.archived === true);
      expect(event.patient.id).toBe(patient.id);
    }
    expect(await listIds(patient)).not.toContain(id);
    expect(await listIds(patient, '?archived=true')).toContain(id);
    expect((await view(patient, id)).archived).toBe(true);
    expect(await listIds(doctor)).toContain(id);
    expect(await listIds(doctor, '?archived=true')).not.toContain(id);
    expect((await view(doctor, id)).archived).toBe(false);
    await doctorDevice.roundTrip();
    expect(doctorDevice.all('conversation:updated', (c) => c.id === id)).toEqual([]); // not the doctor's business

    // A new message un-archives it for both.
    expect((await doctor.api.patch(`/api/chat/conversations/${id}`, { archived: true })).body.archived).toBe(true);
    expect(await listIds(doctor)).not.toContain(id);
    await sendText(doctor, id, 'Your results are in');
    for (const u of [patient, doctor]) {
      expect(await listIds(u)).toContain(id);
      expect(await listIds(u, '?archived=true')).not.toContain(id);
      expect((await view(u, id)).archived).toBe(false);
    }

    // Un-archiving by hand, bad input, and someone else.
    await patient.api.patch(`/api/chat/conversations/${id}`, { archived: true });
    const back = await patient.api.patch(`/api/chat/conversations/${id}`, { archived: false });
    expect(back.body.archived).toBe(false);
    await phone.waitFor('conversation:updated', (c) => c.id === id && c.archived === false);
    for (const body of [{ archived: 'yes' }, {}, { archived: null }]) {
      const bad = await patient.api.patch(`/api/chat/conversations/${id}`, body);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('archived') });
    }
    const stranger = await createPatient(t);
    expect((await stranger.api.patch(`/api/chat/conversations/${id}`, { archived: true })).status).toBe(404);
    expect((await view(patient, id)).archived).toBe(false);
  });

  it('is get-or-create from either side, once even when opened at the same moment', async () => {
    const patient = await createPatient(t);
    const doctor = await createDoctor(t);
    await createAppointment(t, patient, doctor);
    const first = await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
    const again = await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
    const fromDoctor = await doctor.api.post('/api/chat/conversations', { participantId: patient.id });
    expect([first.status, again.status, fromDoctor.status]).toEqual([201, 200, 200]);
    expect(new Set([first.body.id, again.body.id, fromDoctor.body.id]).size).toBe(1);
    expect(first.body).toMatchObject({
      patient: { id: patient.id, role: 'PATIENT' },
      doctor: { id: doctor.id, role: 'DOCTOR' },
      lastSeq: 0,
      unreadCount: 0,
    });
    expect(fromDoctor.body.patient.id).toBe(patient.id);

    const p2 = await createPatient(t);
    await createAppointment(t, p2, doctor);
    const race = await Promise.all([
      ...Array.from({ length: 4 }, () => p2.api.post('/api/chat/conversations', { participantId: doctor.id })),
      ...Array.from({ length: 4 }, () => doctor.api.post('/api/chat/conversations', { participantId: p2.id })),
    ]);
    expect(race.map((r) => r.status).filter((s) => s === 201)).toHaveLength(1);
    expect(race.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(new Set(race.map((r) => r.body.id)).size).toBe(1);
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM conversations WHERE patient_id = $1', [p2.id]);
    expect(rows[0].n).toBe(1);

    // Only with a shared live appointment, and only with the other role.
    const noAppt = await createDoctor(t);
    expect((await patient.api.post('/api/chat/conversations', { participantId: noAppt.id })).body.error.code).toBe(
      'NOT_FOUND',
    );
    const cancelled = await createDoctor(t);
    await createAppointment(t, patient, cancelled, 'cancelled');
    expect((await patient.api.post('/api/chat/conversations', { participantId: cancelled.id })).body.error.code).toBe(
      'NO_APPOINTMENT',
    );
    expect((await patient.api.post('/api/chat/conversations', { participantId: p2.id })).status).toBe(404);
    expect((await patient.api.post('/api/chat/conversations', { participantId: 'nobody-' + Date.now() })).status).toBe(
      404,
    );
    expect((await patient.api.post('/api/chat/conversations', {})).body.error.code).toBe('VALIDATION_FAILED');
    const admin = await createAdmin(t);
    expect((await admin.api.post('/api/chat/conversations', { participantId: doctor.id })).status).toBe(403);
  });

  it('lists contacts: shared live appointment, not blocked, searchable by name', async () => {
    const tag = Date.now().toString(36);
    const patient = await createPatient(t, `Gina ${tag}`);
    const hugo = await createDoctor(t, `Dr. Hugo 50%_${tag}`);
    const iris = await createDoctor(t, `Dr. Iris ${tag}`);
    const cancelled = await createDoctor(t, `Dr. Cancelled ${tag}`);
    const blocked = await createDoctor(t, `Dr. Blocked ${tag}`);
    await createDoctor(t, `Dr. Stranger ${tag}`);
    for (const d of [hugo, iris, blocked]) await createAppointment(t, patient, d);
    await createAppointment(t, patient, cancelled, 'cancelled');
    expect(
      (
        await t.service.put(`/api/integration/users/${blocked.id}`, {
          name: blocked.name,
          role: 'DOCTOR',
          status: 'blocked',
        })
      ).status,
    ).toBe(200);

    const contacts = async (user: TestUser, q?: string) => {
      const res = await user.api.get(`/api/chat/contacts${q === undefined ? '' : `?q=${encodeURIComponent(q)}`}`);
      expect(res.status).toBe(200);
      return res.body.data;
    };
    const all = await contacts(patient);
    expect(all.map((c: any) => c.id).sort()).toEqual([hugo.id, iris.id].sort());
    expect(await contacts(patient, 'HUGO')).toEqual([
      { id: hugo.id, name: hugo.name, role: 'DOCTOR', online: false, lastSeenAt: null, designation: null },
    ]);
    expect((await contacts(patient, '%_')).map((c: any) => c.id)).toEqual([hugo.id]);
    expect((await contacts(patient, '_')).map((c: any) => c.id)).toEqual([hugo.id]);
    expect(await contacts(patient, 'stranger')).toEqual([]);
    expect(await contacts(patient, 'blocked')).toEqual([]);
    expect((await contacts(hugo, 'gina')).map((c: any) => c.id)).toEqual([patient.id]);
    expect((await patient.api.get(`/api/chat/contacts?q=${'x'.repeat(101)}`)).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await t.anon.get('/api/chat/contacts')).status).toBe(401);
  });
});
