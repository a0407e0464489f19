import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { TEST_SERVICE_KEY, signJwt, uniqueId } from '../test/app.js';
import { HttpClient } from '../test/http-client.js';
import { createPair, createPatient } from '../test/factories.js';

const t = useTestApp();
const now = () => new Date().toISOString();

describe('the integration API', () => {
  it('needs the service key', async () => {
    const body = { name: 'X', role: 'PATIENT', status: 'active' };
    const attempts = [
      t.anon,
      new HttpClient(t.url, 'wrong-key'),
      new HttpClient(t.url, `${TEST_SERVICE_KEY}x`),
      // A person's own credentials are not a service key.
      new HttpClient(
        t.url,
        signJwt({ sub: uniqueId('adm'), role: 'ADMIN', name: 'Admin', exp: Math.floor(Date.now() / 1000) + 600 }),
      ),
    ];
    for (const client of attempts) {
      const id = uniqueId('u');
      const replies = [
        await client.put(`/api/integration/users/${id}`, body),
        await client.put(`/api/integration/appointments/${uniqueId('a')}`, {
          patientId: id,
          doctorId: id,
          startsAt: now(),
          status: 'scheduled',
        }),
        await client.post('/api/integration/batch', { users: [{ id, ...body }] }),
      ];
      for (const r of replies) {
        expect(r.status).toBe(401);
        expect(r.body.error.code).toBe('UNAUTHENTICATED');
      }
      const { rows } = await t.db.query('SELECT 1 FROM users WHERE id = $1', [id]);
      expect(rows).toEqual([]);
    }
    const withKey = await new HttpClient(t.url, TEST_SERVICE_KEY).put(`/api/integration/users/${uniqueId('u')}`, body);
    expect(withKey.status).toBe(200);
  });

  it('creates and replaces users, keeping their email lower-case and unique', async () => {
    const id = uniqueId('host-user');
    const created = await t.service.put(`/api/integration/users/${id}`, {
      name: 'Dana Scully',
      email: `${id}@Host.test`,
      role: 'DOCTOR',
      status: 'active',
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id,
      name: 'Dana Scully',
      email: `${id}@host.test`,
      role: 'DOCTOR',
      status: 'active',
    });
    const replaced = await t.service.put(`/api/integration/users/${id}`, {
      name: 'Dr. Dana Scully',
      role: 'DOCTOR',
      status: 'active',
    });
    expect(replaced.body).toMatchObject({ id, name: 'Dr. Dana Scully', email: null });
    const { rows } = await t.db.query('SELECT name, email, role, status FROM users WHERE id = $1', [id]);
    expect(rows).toEqual([{ name: 'Dr. Dana Scully', email: null, role: 'DOCTOR', status: 'active' }]);
    // The replaced user is who a host token for them signs in as.
    const me = await new HttpClient(
      t.url,
      signJwt({ sub: id, role: 'DOCTOR', name: 'ignored', exp: Math.floor(Date.now() / 1000) + 600 }),
    ).get('/api/auth/me');
    expect(me.body.user).toMatchObject({ id, name: 'Dr. Dana Scully' });

    const first = uniqueId('u');
    await t.service.put(`/api/integration/users/${first}`, {
      name: 'A',
      email: `${first}@host.test`,
      role: 'PATIENT',
      status: 'active',
    });
    const clash = await t.service.put(`/api/integration/users/${uniqueId('u')}`, {
      name: 'B',
      email: `${first}@HOST.test`,
      role: 'PATIENT',
      status: 'active',
    });
    expect(clash.status).toBe(400);
    expect(clash.body.error.code).toBe('VALIDATION_FAILED');
    expect(clash.body.error.message).toContain('email');

    // Host ids are up to 128 characters.
    const longest = `${'y'.repeat(116)}${uniqueId('').slice(1)}`;
    expect(longest).toHaveLength(128);
    expect(
      (await t.service.put(`/api/integration/users/${longest}`, { name: 'x', role: 'PATIENT', status: 'active' }))
        .status,
    ).toBe(200);
    const tooLong = await t.service.put(`/api/integration/users/${'x'.repeat(129)}`, {
      name: 'x',
      role: 'PATIENT',
      status: 'active',
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toContain('id');
  });

  it('names the field at fault in every validation error', async () => {
    const user = (body: unknown) => t.service.put(`/api/integration/users/${uniqueId('u')}`, body);
    const appt = (body: unknown) => t.service.put(`/api/integration/appointments/${uniqueId('a')}`, body);
    const good = { patientId: 'p', doctorId: 'd', startsAt: now(), status: 'scheduled' };
    const cases: [Promise<any>, string][] = [
      [user({ name: 'x', role: 'NURSE', status: 'active' }), 'role'],
      [user({ role: 'PATIENT', status: 'active' }), 'name'],
      [user({ name: '   ', role: 'PATIENT', status: 'active' }), 'name'],
      [user({ name: 'x', role: 'PATIENT', status: 'gone' }), 'status'],
      [appt({ ...good, startsAt: 'tomorrow' }), 'startsAt'],
      [appt({ ...good, status: 'maybe' }), 'status'],
      [appt({ ...good, patientId: undefined }), 'patientId'],
      [
        t.service.post('/api/integration/batch', {
          users: [
            { id: 'ok', name: 'x', role: 'PATIENT', status: 'active' },
            { id: 'bad', name: 'x', role: 'PATIENT' },
          ],
        }),
        'users.1.status',
      ],
      [
        t.service.post('/api/integration/batch', { appointments: [{ ...good, id: 'a', startsAt: 'soon' }] }),
        'appointments.0.startsAt',
      ],
    ];
    for (const [reply, field] of cases) {
      const r = await reply;
      expect(r.status, field).toBe(400);
      expect(r.body.error.code, field).toBe('VALIDATION_FAILED');
      expect(r.body.error.message.startsWith(`${field}:`), `${field} in "${r.body.error.message}"`).toBe(true);
    }
  });

  it('creates and replaces appointments between a patient and a doctor that exist', async () => {
    const doctor = uniqueId('host-doctor');
    const patient = uniqueId('host-patient');
    await t.service.put(`/api/integration/users/${doctor}`, { name: 'Dr. Who', role: 'DOCTOR', status: 'active' });
    await t.service.put(`/api/integration/users/${patient}`, { name: 'Fox Mulder', role: 'PATIENT', status: 'active' });
    const appt = uniqueId('appt');
    const startsAt = '2030-01-02T03:04:05.000Z';
    const ok = await t.service.put(`/api/integration/appointments/${appt}`, {
      patientId: patient,
      doctorId: doctor,
      startsAt,
      status: 'scheduled',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ id: appt });
    const stored = async () =>
      (await t.db.query('SELECT patient_id, doctor_id, starts_at, status FROM appointments WHERE id = $1', [appt]))
        .rows;
    expect(await stored()).toEqual([
      { patient_id: patient, doctor_id: doctor, starts_at: new Date(startsAt), status: 'scheduled' },
    ]);
    const replaced = await t.service.put(`/api/integration/appointments/${appt}`, {
      patientId: patient,
      doctorId: doctor,
      startsAt,
      status: 'completed',
    });
    expect(replaced.status).toBe(200);
    expect((await stored())[0].status).toBe('completed');

    // Roles must match, and both people must exist; a refused change leaves the old one.
    const swapped = await t.service.put(`/api/integration/appointments/${appt}`, {
      patientId: doctor,
      doctorId: patient,
      startsAt,
      status: 'scheduled',
    });
    expect(swapped.status).toBe(400);
    expect(swapped.body.error.code).toBe('VALIDATION_FAILED');
    const unknown = await t.service.put(`/api/integration/appointments/${appt}`, {
      patientId: 'nobody',
      doctorId: doctor,
      startsAt,
      status: 'scheduled',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('VALIDATION_FAILED');
    expect(await stored()).toEqual([
      { patient_id: patient, doctor_id: doctor, starts_at: new Date(startsAt), status: 'completed' },
    ]);
  });

  it('takes 10,000 items in one batch', async () => {
    const run = uniqueId('b');
    const users = [
      ...Array.from({ length: 1000 }, (_, i) => ({
        id: `${run}-p${i}`,
        name: `Patient ${i}`,
        email: `${run}-p${i}@host.test`,
        role: 'PATIENT',
        status: 'active',
      })),
      ...Array.from({ length: 1000 }, (_, i) => ({
        id: `${run}-d${i}`,
        name: `Dr. ${i}`,
        role: 'DOCTOR',
        status: 'active',
      })),
    ];
    const appointments = Array.from({ length: 8000 }, (_, i) => ({
      id: `${run}-a${i}`,
      patientId: `${run}-p${i % 1000}`,
      doctorId: `${run}-d${(i * 7) % 1000}`,
      startsAt: now(),
      status: i % 10 === 0 ? 'cancelled' : 'scheduled',
    }));
    const started = Date.now();
    const res = await t.service.post('/api/integration/batch', { users, appointments });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ users: 2000, appointments: 8000 });
    expect(Date.now() - started).toBeLessThan(20_000);
    const counts = await t.db.query(
      `SELECT (SELECT count(*)::int FROM users WHERE id LIKE $1 || '-%') AS users,
              (SELECT count(*)::int FROM users
                WHERE id LIKE $1 || '-p%' AND role = 'PATIENT' AND email LIKE $1 || '-p%@host.test') AS patients,
              (SELECT count(*)::int FROM appointments WHERE id LIKE $1 || '-a%') AS appointments,
              (SELECT count(*)::int FROM appointments WHERE id LIKE $1 || '-a%' AND status = 'cancelled') AS cancelled`,
      [run],
    );
    expect(counts.rows[0]).toEqual({ users: 2000, patients: 1000, appointments: 8000, cancelled: 800 });
    // The batch's people can talk at once: p1 and d7 share appointment a1.
    const p1 = new HttpClient(
      t.url,
      signJwt({ sub: `${run}-p1`, role: 'PATIENT', name: 'x', exp: Math.floor(Date.now() / 1000) + 600 }),
    );
    expect((await p1.post('/api/chat/conversations', { participantId: `${run}-d7` })).status).toBe(201);
  }, 60_000);

  it('applies a batch all or nothing', async () => {
    const existing = await createPatient(t, 'Unchanged Name');
    const run = uniqueId('b');
    const users = [
      { id: existing.id, name: 'Renamed By Failed Batch', role: 'PATIENT', status: 'blocked' },
      ...Array.from({ length: 500 }, (_, i) => ({
        id: `${run}-p${i}`,
        name: `Never stored ${i}`,
        role: 'PATIENT',
        status: 'active',
      })),
      { id: `${run}-d`, name: 'Dr. Never', role: 'DOCTOR', status: 'active' },
    ];
    const appointments = [
      ...Array.from({ length: 500 }, (_, i) => ({
        id: `${run}-a${i}`,
        patientId: `${run}-p${i}`,
        doctorId: `${run}-d`,
        startsAt: now(),
        status: 'scheduled',
      })),
      // The last item refers to someone who does not exist.
      { id: `${run}-bad`, patientId: `${run}-p0`, doctorId: `${run}-missing`, startsAt: now(), status: 'scheduled' },
    ];
    const socket = await t.connect(existing.token);
    const broken = await t.service.post('/api/integration/batch', { users, appointments });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('VALIDATION_FAILED');
    const left = await t.db.query(
      `SELECT (SELECT count(*)::int FROM users WHERE id LIKE $1 || '-%') AS users,
              (SELECT count(*)::int FROM appointments WHERE id LIKE $1 || '-%') AS appointments`,
      [run],
    );
    expect(left.rows[0]).toEqual({ users: 0, appointments: 0 });
    const { rows } = await t.db.query('SELECT name, status FROM users WHERE id = $1', [existing.id]);
    expect(rows).toEqual([{ name: 'Unchanged Name', status: 'active' }]);
    // The block in the failed batch never happened: nobody was told or disconnected.
    await socket.roundTrip();
    expect(socket.socket.connected).toBe(true);
    expect(socket.all('session:ended')).toEqual([]);
    expect((await existing.api.get('/api/auth/me')).status).toBe(200);

    // A role mismatch anywhere fails the batch too.
    const run2 = uniqueId('b');
    const mismatch = await t.service.post('/api/integration/batch', {
      users: [
        { id: `${run2}-p`, name: 'P', role: 'PATIENT', status: 'active' },
        { id: `${run2}-q`, name: 'Q', role: 'PATIENT', status: 'active' },
      ],
      appointments: [
        { id: `${run2}-a`, patientId: `${run2}-p`, doctorId: `${run2}-q`, startsAt: now(), status: 'scheduled' },
      ],
    });
    expect(mismatch.body.error.code).toBe('VALIDATION_FAILED');
    expect((await t.db.query(`SELECT count(*)::int AS n FROM users WHERE id LIKE $1 || '-%'`, [run2])).rows[0].n).toBe(
      0,
    );
  });

  it('refuses more than 10,000 items in one batch, storing none', async () => {
    const run = uniqueId('b');
    const tooMany = await t.service.post('/api/integration/batch', {
      users: Array.from({ length: 5001 }, (_, i) => ({
        id: `${run}-u${i}`,
        name: 'n',
        role: 'PATIENT',
        status: 'active',
      })),
      appointments: Array.from({ length: 5000 }, (_, i) => ({
        id: `${run}-a${i}`,
        patientId: `${run}-u${i}`,
        doctorId: `${run}-u${i}`,
        startsAt: now(),
        status: 'scheduled',
      })),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('VALIDATION_FAILED');
    expect(tooMany.body.error.message).toMatch(/10000|10,000/);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM users WHERE id LIKE $1 || '-%'`, [run])).rows[0].n).toBe(
      0,
    );
  });

  it('a batch that blocks someone takes effect at once, sockets included', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const socket = await t.connect(patient.token);
    const res = await t.service.post('/api/integration/batch', {
      users: [{ id: patient.id, name: patient.name, role: 'PATIENT', status: 'blocked' }],
    });
    expect(res.body).toEqual({ users: 1, appointments: 0 });
    expect(await socket.waitFor('session:ended')).toEqual({ reason: 'blocked', code: 'USER_BLOCKED' });
    const send = await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: uniqueId('c'),
      content: 'hi',
    });
    expect(send.body.error.code).toBe('USER_BLOCKED');
  });
});
