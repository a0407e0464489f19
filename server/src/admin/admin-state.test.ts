import { describe, expect, it } from 'vitest';
import { createAdmin, createAppointment, createDoctor, createPair, createPatient } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';

const t = useTestApp();

describe('the console shows the present state beside its actions', () => {
  it('gives admins a conversation’s legal hold, shredding and participants’ status; participants none', async () => {
    const admin = await createAdmin(t);
    const { patient, doctor, conversation } = await createPair(t);
    const c = conversation.id;
    const state = async () => (await admin.api.get(`/api/admin/conversations/${c}`)).body.adminState;
    expect(await state()).toEqual({
      legalHold: false,
      shreddedAt: null,
      patientStatus: 'active',
      doctorStatus: 'active',
    });

    expect((await admin.api.post(`/api/admin/users/${doctor.id}/block`)).body.status).toBe('blocked');
    expect((await admin.api.put(`/api/admin/conversations/${c}/legal-hold`, { hold: true })).status).toBe(200);
    expect(await state()).toMatchObject({ legalHold: true, doctorStatus: 'blocked', patientStatus: 'active' });
    // The list says the same.
    const listed = await admin.api.get(`/api/admin/conversations?q=${encodeURIComponent(patient.name)}`);
    expect(listed.body.data[0].adminState).toMatchObject({ legalHold: true, doctorStatus: 'blocked' });

    await admin.api.post(`/api/admin/users/${doctor.id}/unblock`);
    await admin.api.put(`/api/admin/conversations/${c}/legal-hold`, { hold: false });
    const shred = await admin.api.post(`/api/admin/conversations/${c}/shred?reason=${encodeURIComponent('Erasure')}`);
    expect(shred.status).toBe(200);
    expect(await state()).toEqual({
      legalHold: false,
      shreddedAt: shred.body.shreddedAt,
      patientStatus: 'active',
      doctorStatus: 'active',
    });

    // A participant's view carries none of it.
    const mine = await patient.api.get(`/api/chat/conversations/${c}`);
    expect(mine.status).toBe(200);
    expect(mine.body.adminState).toBeUndefined();
    const list = await patient.api.get('/api/chat/conversations');
    expect(list.body.data.every((x: any) => x.adminState === undefined)).toBe(true);
  });

  it('filters the admin’s list by the doctor’s name as well as the patient’s', async () => {
    const admin = await createAdmin(t);
    const tag = Math.random().toString(36).slice(2, 8);
    const doctor = await createDoctor(t, `Dr. Filter ${tag}`);
    const patient = await createPatient(t, `Filtered Patient ${tag}`);
    await createAppointment(t, patient, doctor);
    const c = (await patient.api.post('/api/chat/conversations', { participantId: doctor.id })).body.id;
    const other = await createPair(t);
    const ids = async (q: string) =>
      (await admin.api.get(`/api/admin/conversations?q=${encodeURIComponent(q)}`)).body.data.map((x: any) => x.id);
    expect(await ids(`filter ${tag}`)).toEqual([c]); // any case, part of the doctor's name
    expect(await ids(`patient ${tag}`)).toEqual([c]);
    expect(await ids(`Dr. Filter ${tag}`)).not.toContain(other.conversation.id);
    expect(await ids(`nobody ${tag}`)).toEqual([]);
  });
});
