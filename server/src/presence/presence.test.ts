import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { createAppointment, createDoctor, createPair, createPatient, type TestUser } from '../test/factories.js';
import { waitingOn } from '../test/locks.js';
import { connectClient, until, type TestSocket } from '../test/socket-client.js';

const t = useTestApp();
const connect = (token: string) => t.connect(token);
const view = async (user: TestUser, conversationId: string) =>
  (await user.api.get(`/api/chat/conversations/${conversationId}`)).body;
const presenceOf = (userId: string) => (e: any) => e.userId === userId;

/**
 * Waits until the server holds `left` sockets of the user and has finished what their going
 * started (presence counts, any announcement), then until each of `watchers` has everything
 * the server sent it before: what a peer was told about it has arrived.
 */
async function seenGo(userId: string, left: number, ...watchers: TestSocket[]): Promise<void> {
  await until(async () => (await t.socketsOf(userId)) === left, 'the server to see the device go');
  await t.app.settled();
  await Promise.all(watchers.map((w) => w.roundTrip()));
}

describe('presence', () => {
  it('online from the first device, offline with lastSeenAt only when the last one leaves', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const d = await connect(doctor.token);
    expect((await view(doctor, conversation.id)).patient.online).toBe(false);

    const p1 = await connect(patient.token);
    expect(await d.waitFor('presence:update', presenceOf(patient.id))).toMatchObject({
      userId: patient.id,
      online: true,
    });
    expect((await view(doctor, conversation.id)).patient).toMatchObject({ id: patient.id, online: true });
    // Both sides see both as online in their own view.
    expect(await view(patient, conversation.id)).toMatchObject({ patient: { online: true }, doctor: { online: true } });

    // A second device changes nothing for the peers.
    const p2 = await connect(patient.token);
    p1.close();
    await seenGo(patient.id, 1, d);
    expect(d.all('presence:update', presenceOf(patient.id)).map((e) => e.online)).toEqual([true]);
    expect((await view(doctor, conversation.id)).patient.online).toBe(true);

    const leftAt = Date.now();
    p2.close();
    const offline = await d.waitFor('presence:update', (e) => e.userId === patient.id && !e.online);
    expect(offline).toEqual({ userId: patient.id, online: false, lastSeenAt: expect.any(String) });
    expect(Math.abs(Date.parse(offline.lastSeenAt) - leftAt)).toBeLessThan(5000);
    expect((await view(doctor, conversation.id)).patient).toMatchObject({
      online: false,
      lastSeenAt: offline.lastSeenAt,
    });
    await t.app.settled();
    await d.roundTrip();
    expect(d.all('presence:update', presenceOf(patient.id)).map((e) => e.online)).toEqual([true, false]);

    // Coming back is announced again, and the last lastSeenAt is kept for when they leave next.
    const p3 = await connect(patient.token);
    await d.waitFor(
      'presence:update',
      (e) => e.userId === patient.id && e.online && d.all('presence:update', presenceOf(patient.id)).length === 3,
    );
    expect((await view(doctor, conversation.id)).patient).toMatchObject({
      online: true,
      lastSeenAt: offline.lastSeenAt,
    });
    p3.close();
    await d.waitFor(
      'presence:update',
      (e) => e.userId === patient.id && !e.online && e.lastSeenAt !== offline.lastSeenAt,
    );
  });

  it('reaches everyone who shares a conversation with the user, on each of their devices', async () => {
    const doctor = await createDoctor(t);
    const [alice, bob] = await Promise.all([createPatient(t), createPatient(t)]);
    await Promise.all([createAppointment(t, alice, doctor), createAppointment(t, bob, doctor)]);
    for (const p of [alice, bob])
      expect((await p.api.post('/api/chat/conversations', { participantId: doctor.id })).status).toBe(201);
    const [a1, a2, b] = await Promise.all([connect(alice.token), connect(alice.token), connect(bob.token)]);

    const d = await connect(doctor.token);
    for (const s of [a1, a2, b])
      expect(await s.waitFor('presence:update', presenceOf(doctor.id))).toMatchObject({ online: true });
    // The doctor's patients do not share a conversation with each other.
    await t.app.settled();
    await Promise.all([b, a1].map((s) => s.roundTrip()));
    expect(b.all('presence:update', presenceOf(alice.id))).toHaveLength(0);
    expect(a1.all('presence:update', presenceOf(bob.id))).toHaveLength(0);

    d.close();
    for (const s of [a1, a2, b])
      expect(await s.waitFor('presence:update', (e) => e.userId === doctor.id && !e.online)).toMatchObject({
        lastSeenAt: expect.any(String),
      });
  });

  it('is not told to people who share no conversation, even with a shared appointment', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const stranger = await createPatient(t);
    const notYet = await createPatient(t); // an appointment with the doctor, but no conversation opened
    await createAppointment(t, notYet, doctor);
    const [s, n, d] = await Promise.all([connect(stranger.token), connect(notYet.token), connect(doctor.token)]);

    const p = await connect(patient.token);
    await d.waitFor('presence:update', (e) => e.userId === patient.id && e.online);
    p.close();
    await d.waitFor('presence:update', (e) => e.userId === patient.id && !e.online);
    const d2 = await connect(doctor.token); // a second device: no news for anyone
    d2.close();
    await seenGo(doctor.id, 1, s, n);
    expect(s.all('presence:update')).toHaveLength(0);
    expect(n.all('presence:update')).toHaveLength(0);
    // The patient's departure is no business of people outside the conversation either.
    expect((await stranger.api.get(`/api/chat/conversations/${conversation.id}`)).status).toBe(404);
    // And the stranger's own comings and goings reach no one here.
    expect(d.all('presence:update', presenceOf(stranger.id))).toHaveLength(0);
    expect(d.all('presence:update', presenceOf(notYet.id))).toHaveLength(0);
  });

  it('a quick reconnect leaves the user online for their peers', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const d = await connect(doctor.token);
    const latest = () => d.all('presence:update', presenceOf(patient.id)).at(-1);
    for (let round = 0; round < 5; round++) {
      const p = await connect(patient.token);
      await until(() => latest()?.online === true, 'presence to settle', 5000, 20);
      // The old connection drops as the new one is made (a network switch).
      const next = connectClient(t.url, { token: patient.token });
      p.close();
      const again = await next;
      await seenGo(patient.id, 1, d);
      expect(latest()).toMatchObject({ online: true });
      expect((await view(doctor, conversation.id)).patient.online).toBe(true);
      again.close();
      await until(() => latest()?.online === false, 'presence to settle', 5000, 20);
    }
  });

  it('a reconnect while the departure is still being recorded leaves the user online', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const d = await connect(doctor.token);
    const p = await connect(patient.token);
    await d.waitFor('presence:update', (e) => e.userId === patient.id && e.online);
    // Holding the patient's row makes recording lastSeenAt slow, as on a busy database.
    const lock = await t.db.connect();
    let again;
    try {
      await lock.query('BEGIN');
      await lock.query('SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE', [patient.id]);
      p.close();
      // The server has seen the departure and waits on the row.
      await until(async () => (await t.socketsOf(patient.id)) === 0, 'the server to see the device go');
      await until(async () => (await waitingOn(t.db, lock)) > 0, 'the departure to wait on the row');
      again = await connect(patient.token);
      // The reconnect's own announcement takes no lock: the doctor hears it before the departure goes on.
      await until(
        () => d.all('presence:update', (e) => e.userId === patient.id && e.online).length === 2,
        'the reconnect to be announced',
      );
      await lock.query('COMMIT');
    } finally {
      lock.release();
    }
    await t.app.settled();
    await d.roundTrip();
    expect(d.all('presence:update', presenceOf(patient.id)).at(-1)).toMatchObject({ online: true });
    expect((await view(doctor, conversation.id)).patient.online).toBe(true);
    again.close();
    await d.waitFor('presence:update', (e) => e.userId === patient.id && !e.online && e.lastSeenAt !== null);
    expect((await view(doctor, conversation.id)).patient.online).toBe(false);
  });
});
