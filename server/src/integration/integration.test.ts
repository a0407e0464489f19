import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { TEST_SERVICE_KEY, uniqueId } from '../test/app.js';
import { HttpClient } from '../test/http-client.js';

const t = useTestApp();

describe('the integration API', () => {
  it('needs the service key', async () => {
    const body = { name: 'X', role: 'PATIENT', status: 'active' };
    expect((await t.anon.put(`/api/integration/users/${uniqueId('u')}`, body)).status).toBe(401);
    expect((await new HttpClient(t.url, 'wrong-key').put(`/api/integration/users/${uniqueId('u')}`, body)).status).toBe(401);
    expect((await new HttpClient(t.url, TEST_SERVICE_KEY).put(`/api/integration/users/${uniqueId('u')}`, body)).status).toBe(200);
  });

  it('creates and replaces users and appointments, and names the bad field', async () => {
    const id = uniqueId('host-user');
    const created = await t.service.put(`/api/integration/users/${id}`, { name: 'Dana Scully', email: `${id}@Host.test`, role: 'DOCTOR', status: 'active' });
    expect(created.body).toMatchObject({ id, name: 'Dana Scully', email: `${id}@host.test`, role: 'DOCTOR' });
    const replaced = await t.service.put(`/api/integration/users/${id}`, { name: 'Dr. Dana Scully', role: 'DOCTOR', status: 'active' });
    expect(replaced.body).toMatchObject({ id, name: 'Dr. Dana Scully', email: null });
    const bad = await t.service.put(`/api/integration/users/${id}`, { name: 'x', role: 'NURSE', status: 'active' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(bad.body.error.message).toContain('role');
    const longest = await t.service.put(`/api/integration/users/${'y'.repeat(120)}${uniqueId('').slice(0, 8)}`, { name: 'x', role: 'PATIENT', status: 'active' });
    expect(longest.status).toBe(200);
    const tooLong = await t.service.put(`/api/integration/users/${'x'.repeat(129)}`, { name: 'x', role: 'PATIENT', status: 'active' });
    expect(tooLong.status).toBe(400);

    const patient = uniqueId('host-patient');
    await t.service.put(`/api/integration/users/${patient}`, { name: 'Fox Mulder', role: 'PATIENT', status: 'active' });
    const appt = uniqueId('appt');
    const ok = await t.service.put(`/api/integration/appointments/${appt}`, { patientId: patient, doctorId: id, startsAt: new Date().toISOString(), status: 'scheduled' });
    expect(ok.status).toBe(200);
    const swapped = await t.service.put(`/api/integration/appointments/${appt}`, { patientId: id, doctorId: patient, startsAt: new Date().toISOString(), status: 'scheduled' });
    expect(swapped.body.error.code).toBe('VALIDATION_FAILED');
    const unknown = await t.service.put(`/api/integration/appointments/${uniqueId('appt')}`, { patientId: 'nobody', doctorId: id, startsAt: new Date().toISOString(), status: 'scheduled' });
    expect(unknown.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('takes 10,000 items in one batch, all or nothing', async () => {
    const run = uniqueId('b');
    const users = [
      ...Array.from({ length: 1000 }, (_, i) => ({ id: `${run}-p${i}`, name: `Patient ${i}`, role: 'PATIENT', status: 'active' })),
      ...Array.from({ length: 1000 }, (_, i) => ({ id: `${run}-d${i}`, name: `Dr. ${i}`, role: 'DOCTOR', status: 'active' })),
    ];
    const appointments = Array.from({ length: 8000 }, (_, i) => ({
      id: `${run}-a${i}`,
      patientId: `${run}-p${i % 1000}`,
      doctorId: `${run}-d${(i * 7) % 1000}`,
      startsAt: new Date().toISOString(),
      status: 'scheduled',
    }));
    const res = await t.service.post('/api/integration/batch', { users, appointments });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ users: 2000, appointments: 8000 });
    const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM appointments WHERE id LIKE $1`, [`${run}-a%`]);
    expect(rows[0].n).toBe(8000);

    const run2 = uniqueId('b');
    const broken = await t.service.post('/api/integration/batch', {
      users: [{ id: `${run2}-p`, name: 'Never stored', role: 'PATIENT', status: 'active' }],
      appointments: [{ id: `${run2}-a`, patientId: `${run2}-p`, doctorId: `${run2}-missing`, startsAt: new Date().toISOString(), status: 'scheduled' }],
    });
    expect(broken.status).toBe(400);
    const none = await t.db.query(`SELECT count(*)::int AS n FROM users WHERE id LIKE $1`, [`${run2}%`]);
    expect(none.rows[0].n).toBe(0);

    const tooMany = await t.service.post('/api/integration/batch', { users: Array.from({ length: 10_001 }, (_, i) => ({ id: `${run2}-${i}`, name: 'n', role: 'PATIENT', status: 'active' })) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('VALIDATION_FAILED');
  }, 60_000);
});
