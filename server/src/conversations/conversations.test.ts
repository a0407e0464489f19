import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { createAppointment, createDoctor, createPair, createPatient, sendText } from '../test/factories.js';
import { connectClient } from '../test/socket-client.js';

const t = useTestApp();

async function patientWithDoctors(names: string[]) {
  const patient = await createPatient(t);
  const convs = [];
  for (const name of names) {
    const doctor = await createDoctor(t, name);
    await createAppointment(t, patient, doctor);
    const conv = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
    convs.push({ doctor, conv });
  }
  return { patient, convs };
}

describe('the conversation list', () => {
  it('orders by newest activity, reorders on a new message, and pages with a cursor', async () => {
    const { patient, convs } = await patientWithDoctors(['Dr. A', 'Dr. B', 'Dr. C', 'Dr. D', 'Dr. E']);
    const ids = () => convs.map((c) => c.conv.id);
    const walk = async () => {
      const seen: string[] = [];
      let cursor = '';
      for (;;) {
        const res = await patient.api.get(`/api/chat/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...res.body.data.map((c: any) => c.id));
        if (!res.body.nextCursor) return seen;
        cursor = res.body.nextCursor;
      }
    };
    expect(await walk()).toEqual([...ids()].reverse());
    await sendText(convs[1]!.doctor, convs[1]!.conv.id, 'bump');
    const list = await walk();
    expect(list[0]).toBe(convs[1]!.conv.id);
    expect(new Set(list)).toEqual(new Set(ids()));
    expect(list).toHaveLength(5);
    expect((await patient.api.get('/api/chat/conversations?cursor=garbage')).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('shows a preview of at most 100 characters, computed per viewer', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const long = 'Please remember to fast for twelve hours before the blood test; water is fine, coffee is not. Thanks!';
    expect(long.length).toBeGreaterThan(100);
    await sendText(doctor, conversation.id, long);
    const get = async (u: typeof patient) => (await u.api.get(`/api/chat/conversations/${conversation.id}`)).body;
    const view = await get(patient);
    expect(view.lastMessage.preview.length).toBeLessThanOrEqual(100);
    expect(long.startsWith(view.lastMessage.preview.replace(/…$/, ''))).toBe(true);
    expect(view.unreadCount).toBe(1);
    expect(view.doctor).toMatchObject({ id: doctor.id, role: 'DOCTOR' });

    const last = await sendText(patient, conversation.id, 'ok');
    await patient.api.delete(`/api/chat/messages/${last.id}?scope=self`);
    expect((await get(patient)).lastMessage.preview).toBe(view.lastMessage.preview); // my hidden message is skipped for me
    expect((await get(doctor)).lastMessage.preview).toBe('ok');
    await patient.api.delete(`/api/chat/messages/${last.id}?scope=everyone`);
    expect((await get(doctor)).lastMessage.preview).toBe('Message deleted');
  });

  it('searches the other participant’s name, with % and _ taken literally', async () => {
    const { patient, convs } = await patientWithDoctors(['Dr. Ana Lopez', 'Dr. Anna Lee', 'Dr. 100% Sure_Thing']);
    const search = async (q: string) =>
      (await patient.api.get(`/api/chat/conversations?q=${encodeURIComponent(q)}`)).body.data.map((c: any) => c.doctor.name).sort();
    expect(await search('ana')).toEqual(['Dr. Ana Lopez']);
    expect(await search('an')).toEqual(['Dr. Ana Lopez', 'Dr. Anna Lee']);
    expect(await search('100%')).toEqual(['Dr. 100% Sure_Thing']);
    expect(await search('%')).toEqual(['Dr. 100% Sure_Thing']);
    expect(await search('_')).toEqual(['Dr. 100% Sure_Thing']);
    expect(await search(patient.name)).toEqual([]); // my own name matches nothing
    const doctorView = await convs[0]!.doctor.api.get(`/api/chat/conversations?q=${encodeURIComponent(patient.name)}`);
    expect(doctorView.body.data.map((c: any) => c.id)).toEqual([convs[0]!.conv.id]);
  });

  it('archives per user, and a new message un-archives for both', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const device = await connectClient(t.url, { token: patient.token });
    const archived = await patient.api.patch(`/api/chat/conversations/${conversation.id}`, { archived: true });
    expect(archived.body.archived).toBe(true);
    await device.waitFor('conversation:updated', (c) => c.id === conversation.id && c.archived);
    const ids = async (u: typeof patient, archivedView: boolean) =>
      (await u.api.get(`/api/chat/conversations?archived=${archivedView}`)).body.data.map((c: any) => c.id);
    expect(await ids(patient, false)).not.toContain(conversation.id);
    expect(await ids(patient, true)).toContain(conversation.id);
    expect(await ids(doctor, false)).toContain(conversation.id);
    await sendText(doctor, conversation.id, 'Your results are in');
    expect(await ids(patient, false)).toContain(conversation.id);
    expect(await ids(patient, true)).not.toContain(conversation.id);
    device.close();
  });

  it('is get-or-create from either side, and lists contacts with search', async () => {
    const patient = await createPatient(t, 'Gina Contact');
    const doctor = await createDoctor(t, 'Dr. Hugo Contact');
    const other = await createDoctor(t, 'Dr. Iris Contact');
    await createAppointment(t, patient, doctor);
    await createAppointment(t, patient, other);
    const first = await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
    const again = await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
    const fromDoctor = await doctor.api.post('/api/chat/conversations', { participantId: patient.id });
    expect([first.status, again.status, fromDoctor.status]).toEqual([201, 200, 200]);
    expect(new Set([first.body.id, again.body.id, fromDoctor.body.id]).size).toBe(1);
    const contacts = await patient.api.get('/api/chat/contacts?q=hugo');
    expect(contacts.body.data).toEqual([{ id: doctor.id, name: 'Dr. Hugo Contact', role: 'DOCTOR', online: false, lastSeenAt: null, designation: null }]);
    expect((await patient.api.get('/api/chat/contacts')).body.data).toHaveLength(2);
  });
});
