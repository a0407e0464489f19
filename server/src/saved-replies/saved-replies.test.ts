import { MAX_MESSAGE_LENGTH, MAX_SAVED_REPLIES, type SavedReply } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import { uniqueId } from '../test/app.js';
import { createAdmin, createDoctor, createPair, createPatient, type TestUser } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';

const t = useTestApp();
const PATH = '/api/me/saved-replies';

async function create(doctor: TestUser, name: string, body: string): Promise<SavedReply> {
  const res = await doctor.api.post(PATH, { name, body });
  expect(res.status).toBe(201);
  return res.body;
}

const listOf = async (doctor: TestUser): Promise<SavedReply[]> => {
  const res = await doctor.api.get(PATH);
  expect(res.status).toBe(200);
  return res.body.data;
};
const namesOf = async (doctor: TestUser, scope: 'mine' | 'team') =>
  (await listOf(doctor)).filter((r) => r.scope === scope).map((r) => r.name);

const replaceShared = (replies: { name: string; body: string }[]) =>
  t.service.put('/api/integration/saved-replies', { replies });

describe('saved replies in the app', () => {
  it('a doctor keeps their own: created, listed by name whatever the case, renamed, rewritten, removed', async () => {
    const doctor = await createDoctor(t);
    const labs = await create(doctor, '  labs ', 'Hi {patient.firstName}, your labs are in.');
    expect(labs).toEqual({
      id: expect.any(String),
      scope: 'mine',
      name: 'labs',
      body: 'Hi {patient.firstName}, your labs are in.',
      updatedAt: expect.any(String),
    });
    await create(doctor, 'Appointment', 'See you at your appointment. {doctor.name}');
    await create(doctor, 'bloods', 'Please book a blood test.');
    expect(await namesOf(doctor, 'mine')).toEqual(['Appointment', 'bloods', 'labs']);

    const renamed = await doctor.api.patch(`${PATH}/${labs.id}`, { name: 'Lab results' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: labs.id, name: 'Lab results', body: labs.body });
    const rewritten = await doctor.api.patch(`${PATH}/${labs.id}`, { body: 'Your results are normal.' });
    expect(rewritten.body).toMatchObject({ name: 'Lab results', body: 'Your results are normal.' });
    expect(Date.parse(rewritten.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(labs.updatedAt));

    expect((await doctor.api.delete(`${PATH}/${labs.id}`)).status).toBe(204);
    expect(await namesOf(doctor, 'mine')).toEqual(['Appointment', 'bloods']);
    expect((await doctor.api.delete(`${PATH}/${labs.id}`)).status).toBe(404);
  });

  it('refuses patients and admins (FORBIDDEN) and anyone signed out, on every route', async () => {
    const { patient, doctor } = await createPair(t);
    const own = await create(doctor, 'Mine', 'A reply');
    const admin = await createAdmin(t);
    for (const who of [patient, admin]) {
      const answers = [
        await who.api.get(PATH),
        await who.api.post(PATH, { name: 'Sneaky', body: 'x' }),
        await who.api.patch(`${PATH}/${own.id}`, { body: 'changed' }),
        await who.api.delete(`${PATH}/${own.id}`),
      ];
      for (const res of answers) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
    }
    expect((await t.anon.get(PATH)).status).toBe(401);
    expect(await listOf(doctor)).toContainEqual(own);
  });

  it('answers VALIDATION_FAILED for a bad name, body or id, CONFLICT for a name taken (any case)', async () => {
    const doctor = await createDoctor(t);
    const taken = await create(doctor, 'Follow-up', 'Any better?');
    const other = await create(doctor, 'Other', 'Something else');
    const bad: [unknown, string][] = [
      [{ name: '', body: 'x' }, 'name'],
      [{ name: '   ', body: 'x' }, 'name'],
      [{ name: 'x'.repeat(61), body: 'x' }, 'name'],
      [{ name: 'two\nlines', body: 'x' }, 'name'],
      [{ body: 'x' }, 'name'],
      [{ name: 'Fine', body: '  ' }, 'body'],
      [{ name: 'Fine', body: 'x'.repeat(MAX_MESSAGE_LENGTH + 1) }, 'body'],
      [{ name: 'Fine', body: 'a\u0000b' }, 'body'],
      [{ name: 'Fine', body: 42 }, 'body'],
    ];
    for (const [input, field] of bad) {
      const res = await doctor.api.post(PATH, input);
      expect(res.status, JSON.stringify(input)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.message).toMatch(new RegExp(`^${field}: `));
    }
    // The longest body and name are kept whole.
    const longest = await create(doctor, 'n'.repeat(60), 'b'.repeat(MAX_MESSAGE_LENGTH));
    expect(longest.body).toHaveLength(MAX_MESSAGE_LENGTH);

    const patchNothing = await doctor.api.patch(`${PATH}/${taken.id}`, {});
    expect(patchNothing.body.error.code).toBe('VALIDATION_FAILED');
    const badId = await doctor.api.patch(`${PATH}/not-a-uuid`, { body: 'x' });
    expect([badId.status, badId.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);

    const again = await doctor.api.post(PATH, { name: 'FOLLOW-UP', body: 'A second one' });
    expect([again.status, again.body.error.code]).toEqual([409, 'CONFLICT']);
    const renamed = await doctor.api.patch(`${PATH}/${other.id}`, { name: 'follow-up' });
    expect([renamed.status, renamed.body.error.code]).toEqual([409, 'CONFLICT']);
    // Another doctor may use the same name: names are unique per owner.
    await create(await createDoctor(t), 'Follow-up', 'Mine too');
    expect((await listOf(doctor)).filter((r) => r.scope === 'mine')).toEqual(expect.arrayContaining([taken, other]));
  });

  it('one doctor cannot see, change or remove another’s: NOT_FOUND, and nothing changes', async () => {
    const [owner, intruder] = await Promise.all([createDoctor(t), createDoctor(t)]);
    const reply = await create(owner, 'Private', 'My own words');
    expect(await namesOf(intruder, 'mine')).toEqual([]);
    const attempts = [
      await intruder.api.patch(`${PATH}/${reply.id}`, { body: 'Hijacked' }),
      await intruder.api.patch(`${PATH}/${reply.id}`, { name: 'Taken over' }),
      await intruder.api.delete(`${PATH}/${reply.id}`),
    ];
    for (const res of attempts) expect([res.status, res.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await listOf(owner)).find((r) => r.id === reply.id)).toEqual(reply);
    expect((await intruder.api.delete(`${PATH}/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it('holds at most MAX_SAVED_REPLIES of a doctor’s own', async () => {
    const doctor = await createDoctor(t);
    const full = Array.from({ length: MAX_SAVED_REPLIES }, (_, i) => ({ name: `Reply ${i}`, body: `Text ${i}` }));
    expect((await t.service.put(`/api/integration/users/${doctor.id}/saved-replies`, { replies: full })).status).toBe(
      200,
    );
    const more = await doctor.api.post(PATH, { name: 'One more', body: 'x' });
    expect([more.status, more.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const tooMany = await t.service.put(`/api/integration/users/${doctor.id}/saved-replies`, {
      replies: [...full, { name: 'One more', body: 'x' }],
    });
    expect([tooMany.status, tooMany.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});

describe('saved replies through the integration API', () => {
  it('replaces the shared set: doctors see it as team, read-only; ids kept by name; audited with counts', async () => {
    const tag = uniqueId('shared');
    const [a, b] = await Promise.all([createDoctor(t), createDoctor(t)]);
    const first = await replaceShared([
      { name: `Welcome ${tag}`, body: 'Welcome to the clinic, {patient.firstName}.' },
      { name: `Closing ${tag}`, body: 'Take care. {doctor.name}' },
    ]);
    expect(first.status).toBe(200);
    expect(first.body.data.map((r: SavedReply) => [r.scope, r.name])).toEqual([
      ['team', `Closing ${tag}`],
      ['team', `Welcome ${tag}`],
    ]);
    for (const doctor of [a, b]) expect(await namesOf(doctor, 'team')).toEqual([`Closing ${tag}`, `Welcome ${tag}`]);

    // Mixed with the doctor's own, by name; the shared ones cannot be changed in the app.
    await create(a, `Directions ${tag}`, 'We are on the second floor.');
    expect((await listOf(a)).map((r) => r.name)).toEqual([`Closing ${tag}`, `Directions ${tag}`, `Welcome ${tag}`]);
    const welcome = first.body.data.find((r: SavedReply) => r.name.startsWith('Welcome'));
    for (const res of [
      await a.api.patch(`${PATH}/${welcome.id}`, { body: 'Changed' }),
      await a.api.delete(`${PATH}/${welcome.id}`),
    ])
      expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN']);
    // A doctor's own name may equal a shared one's.
    await create(a, `Welcome ${tag}`, 'My own welcome');

    // Replaced again: the same name (another case) keeps its id with the new text; the rest go or come.
    const second = await replaceShared([
      { name: `WELCOME ${tag}`, body: 'Welcome back.' },
      { name: `Parking ${tag}`, body: 'Parking is free.' },
    ]);
    expect(second.status).toBe(200);
    const kept = second.body.data.find((r: SavedReply) => r.name === `WELCOME ${tag}`);
    expect(kept).toMatchObject({ id: welcome.id, body: 'Welcome back.', scope: 'team' });
    expect(await namesOf(b, 'team')).toEqual([`Parking ${tag}`, `WELCOME ${tag}`]);

    // Two of one name: CONFLICT, and the set is as it was.
    const twice = await replaceShared([
      { name: `Dup ${tag}`, body: '1' },
      { name: `dup ${tag}`, body: '2' },
    ]);
    expect([twice.status, twice.body.error.code]).toEqual([409, 'CONFLICT']);
    expect(await namesOf(b, 'team')).toEqual([`Parking ${tag}`, `WELCOME ${tag}`]);

    const { rows } = await t.db.query(
      `SELECT details FROM audit_events WHERE action = 'integration.saved_replies.put' AND target_id IS NULL
        ORDER BY id DESC LIMIT 1`,
    );
    expect(rows[0].details).toEqual({ scope: 'team', replies: 2 });
    expect(JSON.stringify(rows[0].details)).not.toContain('Parking');

    // An empty list removes them all.
    expect((await replaceShared([])).body).toEqual({ data: [] });
    expect(await namesOf(b, 'team')).toEqual([]);
  });

  it('replaces one doctor’s own set, and only theirs', async () => {
    const [doctor, colleague] = await Promise.all([createDoctor(t), createDoctor(t)]);
    await create(doctor, 'Made in the app', 'Gone after the replace');
    const theirs = await create(colleague, 'Colleague’s', 'Stays');
    const path = `/api/integration/users/${doctor.id}/saved-replies`;
    const res = await t.service.put(path, { replies: [{ name: 'From the host', body: 'Hello {patient.firstName}' }] });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([expect.objectContaining({ scope: 'mine', name: 'From the host' })]);
    expect(await namesOf(doctor, 'mine')).toEqual(['From the host']);
    expect((await listOf(colleague)).filter((r) => r.scope === 'mine')).toEqual([theirs]);
    // The doctor manages it in the app like any of their own.
    const id = res.body.data[0].id;
    expect((await doctor.api.patch(`${PATH}/${id}`, { body: 'Edited in the app' })).status).toBe(200);
  });

  it('refuses an unknown person, a patient, bad input and anyone without the service key', async () => {
    const patient = await createPatient(t);
    const doctor = await createDoctor(t);
    const replies = [{ name: 'X', body: 'Y' }];
    const unknown = await t.service.put(`/api/integration/users/${uniqueId('nobody')}/saved-replies`, { replies });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const ofPatient = await t.service.put(`/api/integration/users/${patient.id}/saved-replies`, { replies });
    expect([ofPatient.status, ofPatient.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    for (const body of [{}, { replies: [{ name: 'X' }] }, { replies: [{ name: '', body: 'Y' }] }, { replies: 'x' }]) {
      const res = await t.service.put('/api/integration/saved-replies', body);
      expect([res.status, res.body.error.code], JSON.stringify(body)).toEqual([400, 'VALIDATION_FAILED']);
    }
    // A doctor's own token is no service key: the shared set is not theirs to write.
    for (const client of [doctor.api, t.anon]) {
      expect((await client.put('/api/integration/saved-replies', { replies })).status).toBe(401);
      expect((await client.put(`/api/integration/users/${doctor.id}/saved-replies`, { replies })).status).toBe(401);
    }
    expect(await namesOf(doctor, 'mine')).toEqual([]);
  });
});
