import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniqueId, type TestApp } from '../test/app.js';
import { createPair, createStaff, sendText, setCareTeam, type TestUser } from '../test/factories.js';
import { FakeClock } from '../test/fake-clock.js';
import { startSmsProvider, startSmtpSink } from '../test/reminder-providers.js';
import { connectClient } from '../test/socket-client.js';

const MINUTE = 60_000;
const PUBLIC_URL = 'https://chat.clinic.example/';
const SECRET = 'Your HbA1c came back at 9.1: stop taking metformin';

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let sms: Awaited<ReturnType<typeof startSmsProvider>>;
let t: TestApp;
let clock: FakeClock;

beforeAll(async () => {
  [smtp, sms] = await Promise.all([startSmtpSink(), startSmsProvider()]);
});
afterAll(async () => {
  await Promise.all([smtp.close(), sms.close()]);
});

/**
 * A server of its own for each test, its clock starting at the real time: messages are
 * stamped by PostgreSQL's clock, so every test starts its minutes from the moment it sends.
 */
async function start() {
  clock = new FakeClock();
  t = await startTestApp(
    {
      SMTP_URL: smtp.url,
      SMS_URL: sms.url,
      SMS_USER: 'clinic',
      SMS_TOKEN: 'sms-secret-token',
      PUBLIC_URL,
      REMINDER_AFTER_MINUTES: '30',
      REMINDER_TIME_ZONE: 'UTC',
    },
    { clock },
  );
}
afterEach(async () => {
  await t?.close();
});

/** The host platform gives this person reminder addresses. */
async function giveContact(user: TestUser, contact: { email?: string | null; phone?: string | null }) {
  const res = await t.service.put(`/api/integration/users/${user.id}`, {
    name: user.name,
    role: user.role,
    status: 'active',
    contact,
  });
  expect(res.status).toBe(200);
  return res;
}

const addresses = () => ({ email: `${uniqueId('p')}@mail.example`, phone: `+1415${Date.now() % 10_000_000}` });

/** The defaults' quiet hours (21:00 to 08:00) would make a test's outcome depend on the hour it runs at. */
const noQuietHours = { start: '00:00', end: '00:00', timeZone: 'UTC' };

async function choose(user: TestUser, channels: string[], quietHours = noQuietHours) {
  const res = await user.api.put('/api/me/reminders', { channels, quietHours });
  expect(res.status).toBe(200);
}

const run = () => t.app.jobs.runReminders();

const outbox = async (userId: string) =>
  (
    await t.db.query<{ channel: string; outcome: string | null; attempts: number; due_at: Date }>(
      'SELECT channel, outcome, attempts, due_at FROM reminder_outbox WHERE user_id = $1 ORDER BY id',
      [userId],
    )
  ).rows;

/** A local time of day in `timeZone`, `shift` minutes from now, as HH:MM. */
function localTime(timeZone: string, shiftMinutes: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    Date.now() + shiftMinutes * MINUTE,
  );
}

describe('e-mail and SMS reminders', () => {
  it('reminds once per window, PHI-free, by e-mail and SMS, after REMINDER_AFTER_MINUTES unread', async () => {
    await start();
    const { patient, doctor, conversation } = await createPair(t);
    const to = addresses();
    await giveContact(patient, to);
    await choose(patient, ['email', 'sms']);
    await sendText(doctor, conversation.id, SECRET);

    clock.advance(25 * MINUTE);
    await run();
    expect(smtp.to(to.email)).toHaveLength(0);
    expect(await outbox(patient.id)).toEqual([]);

    clock.advance(7 * MINUTE);
    await run();
    const [mail] = smtp.to(to.email);
    expect(mail!.raw).toContain('Subject: You have a new secure message');
    expect(mail!.raw).toContain('You have a new secure message from your care team.');
    expect(mail!.raw).toContain(PUBLIC_URL);
    const [text] = sms.to(to.phone);
    expect(text!.body).toBe(`You have a new secure message from your care team. Read it at ${PUBLIC_URL}`);
    expect(text!.authorization).toBe(`Basic ${Buffer.from('clinic:sms-secret-token').toString('base64')}`);
    // PHI-free: neither the text, nor who wrote it (the patient did not opt in to names).
    for (const sent of [mail!.raw, text!.body]) {
      expect(sent).not.toContain('HbA1c');
      expect(sent).not.toContain('metformin');
      expect(sent).not.toContain(doctor.name);
    }

    // More unread messages in the same window: no second reminder, however long they wait.
    await sendText(doctor, conversation.id, 'and another');
    clock.advance(60 * MINUTE);
    await run();
    expect(smtp.to(to.email)).toHaveLength(1);
    expect(sms.to(to.phone)).toHaveLength(1);

    // Read (on a device now gone), then a new message: a new window, one more reminder.
    const read = await patient.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq: 2 });
    expect(read.status).toBe(200);
    await sendText(doctor, conversation.id, 'a new one');
    clock.advance(31 * MINUTE);
    await run();
    await run();
    expect(smtp.to(to.email)).toHaveLength(2);
    expect(sms.to(to.phone)).toHaveLength(2);
    // The doctor's own messages count as read by the doctor: nothing for them.
    expect(await outbox(doctor.id)).toEqual([]);
  });

  it('names the sender only for someone who opted in to names in push notifications', async () => {
    await start();
    const { patient, doctor, conversation } = await createPair(t);
    const to = addresses();
    await giveContact(patient, { email: to.email });
    await choose(patient, ['email']);
    expect((await patient.api.put('/api/push/settings', { showSender: true })).status).toBe(200);
    await sendText(doctor, conversation.id, SECRET);
    clock.advance(31 * MINUTE);
    await run();
    const [mail] = smtp.to(to.email);
    expect(mail!.raw).toContain(`You have a new secure message from ${doctor.name}.`);
    expect(mail!.raw).not.toContain('HbA1c');

    // With a care team, the reminder names who wrote: the nurse who answered, not the doctor.
    const nurse = await createStaff(t, 'RN', `Nurse ${uniqueId('joy')}`);
    await setCareTeam(t, doctor, [nurse]);
    expect((await patient.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq: 1 })).status).toBe(
      200,
    );
    await sendText(nurse, conversation.id, 'Your results are in');
    clock.advance(31 * MINUTE);
    await run();
    expect(smtp.to(to.email)).toHaveLength(2);
    expect(smtp.to(to.email)[1]!.raw).toContain(`You have a new secure message from ${nurse.name}.`);
  });

  it('never reminds someone who read the message before the reminder went, checked at send time', async () => {
    await start();
    const { patient, doctor, conversation } = await createPair(t);
    const to = addresses();
    await giveContact(patient, { email: to.email });
    // Quiet now and for the next two hours: the reminder is queued, then held.
    await choose(patient, ['email'], {
      start: localTime('UTC', -60),
      end: localTime('UTC', 120),
      timeZone: 'UTC',
    });
    await sendText(doctor, conversation.id, SECRET);
    clock.advance(31 * MINUTE);
    await run();
    expect(await outbox(patient.id)).toMatchObject([{ channel: 'email', outcome: null }]);
    const read = await patient.api.post(`/api/chat/conversations/${conversation.id}/read`, { upToSeq: 1 });
    expect(read.status).toBe(200);
    clock.advance(120 * MINUTE);
    await run();
    expect(smtp.to(to.email)).toHaveLength(0);
    expect(await outbox(patient.id)).toMatchObject([{ channel: 'email', outcome: 'read' }]);
  });

  it('holds a reminder until quiet hours end in the person’s zone: New York is quiet, Kolkata is not', async () => {
    await start();
    const ny = await createPair(t);
    const kolkata = await createPair(t);
    const [nyTo, kolkataTo] = [addresses(), addresses()];
    await giveContact(ny.patient, { email: nyTo.email });
    await giveContact(kolkata.patient, { email: kolkataTo.email });
    // The same quiet hours, around New York's present: Kolkata, 9.5 or 10.5 hours ahead, is outside them.
    const quiet = { start: localTime('America/New_York', -60), end: localTime('America/New_York', 120) };
    await choose(ny.patient, ['email'], { ...quiet, timeZone: 'America/New_York' });
    await choose(kolkata.patient, ['email'], { ...quiet, timeZone: 'Asia/Kolkata' });
    const startedAt = clock.now();
    await sendText(ny.doctor, ny.conversation.id, SECRET);
    await sendText(kolkata.doctor, kolkata.conversation.id, SECRET);

    clock.advance(31 * MINUTE);
    await run();
    expect(smtp.to(kolkataTo.email)).toHaveLength(1);
    expect(smtp.to(nyTo.email)).toHaveLength(0);
    const [held] = await outbox(ny.patient.id);
    // Due when New York's clock reads the end of its quiet hours, about two hours from the start.
    const endAt = held!.due_at.getTime();
    expect(localTime('America/New_York', (endAt - Date.now()) / MINUTE)).toBe(quiet.end);
    expect(endAt).toBeGreaterThan(startedAt + 115 * MINUTE);
    expect(endAt).toBeLessThanOrEqual(startedAt + 121 * MINUTE);

    clock.advance(endAt - MINUTE - clock.now());
    await run();
    expect(smtp.to(nyTo.email)).toHaveLength(0);
    clock.advance(2 * MINUTE);
    await run();
    expect(smtp.to(nyTo.email)).toHaveLength(1);
    expect(smtp.to(kolkataTo.email)).toHaveLength(1);
  });

  it('skips a person with no address, and one with a device connected until it goes', async () => {
    await start();
    const none = await createPair(t);
    const online = await createPair(t);
    const to = addresses();
    await giveContact(online.patient, { email: to.email });
    await choose(online.patient, ['email']);
    const socket = await connectClient(t.url, { token: online.patient.token });
    await sendText(none.doctor, none.conversation.id, SECRET);
    await sendText(online.doctor, online.conversation.id, SECRET);
    clock.advance(31 * MINUTE);
    await run();
    expect(await outbox(none.patient.id)).toEqual([]);
    expect(await outbox(online.patient.id)).toEqual([]);

    socket.close();
    await expect.poll(async () => (await t.app.io.local.fetchSockets()).length, { timeout: 10_000 }).toBe(0);
    await expect.poll(async () => (await run(), smtp.to(to.email).length), { timeout: 10_000 }).toBe(1);
    expect(await outbox(none.patient.id)).toEqual([]);
  });

  it('retries a provider failure later, and sends it once', async () => {
    await start();
    const { patient, doctor, conversation } = await createPair(t);
    const to = addresses();
    await giveContact(patient, { phone: to.phone });
    await choose(patient, ['sms']);
    sms.failNext(503);
    await sendText(doctor, conversation.id, SECRET);
    clock.advance(31 * MINUTE);
    await run();
    expect(sms.to(to.phone).map((r) => r.status)).toEqual([503]);
    // Not due again at once: back-off.
    await run();
    expect(sms.to(to.phone)).toHaveLength(1);
    clock.advance(2 * MINUTE);
    await run();
    clock.advance(60 * MINUTE);
    await run();
    const got = sms.to(to.phone);
    expect(got.map((r) => r.status)).toEqual([503, 200]);
    // The same key for both attempts, so a provider can drop a copy.
    expect(got[1]!.idempotencyKey).toBe(got[0]!.idempotencyKey);
    expect(await outbox(patient.id)).toMatchObject([{ channel: 'sms', outcome: 'sent', attempts: 2 }]);
  });
});

describe('reminder settings and addresses', () => {
  it('answers the defaults, takes a choice, and refuses what is not a time or a zone', async () => {
    await start();
    const { patient, doctor } = await createPair(t);
    expect((await patient.api.get('/api/me/reminders')).body).toEqual({
      channels: [],
      quietHours: { start: '21:00', end: '08:00', timeZone: 'UTC' },
      known: { email: false, phone: false },
      saved: false,
    });
    const to = addresses();
    await giveContact(patient, { email: to.email });
    expect((await patient.api.get('/api/me/reminders')).body).toMatchObject({
      channels: ['email'],
      known: { email: true, phone: false },
    });
    await choose(patient, ['sms'], { start: '22:30', end: '07:15', timeZone: 'Asia/Kolkata' });
    expect((await patient.api.get('/api/me/reminders')).body).toEqual({
      channels: ['sms'],
      quietHours: { start: '22:30', end: '07:15', timeZone: 'Asia/Kolkata' },
      known: { email: true, phone: false },
      saved: true,
    });
    for (const quietHours of [
      { start: '24:00', end: '07:00', timeZone: 'UTC' },
      { start: '21:00', end: '07:00', timeZone: 'Mars/Olympus_Mons' },
    ]) {
      const res = await patient.api.put('/api/me/reminders', { channels: ['email'], quietHours });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await t.anon.get('/api/me/reminders')).status).toBe(401);
    // Someone else's choice is not the doctor's.
    expect((await doctor.api.get('/api/me/reminders')).body).toMatchObject({ saved: false, channels: [] });
  });

  it('stores addresses sealed, shown to no one; refuses a number not in E.164; keeps what is left out', async () => {
    await start();
    const { patient } = await createPair(t);
    const to = addresses();
    const res = await giveContact(patient, to);
    expect(JSON.stringify(res.body)).not.toContain(to.email);
    expect(JSON.stringify(res.body)).not.toContain(to.phone);
    expect(JSON.stringify((await patient.api.get('/api/me/reminders')).body)).not.toContain(to.email);
    const { rows } = await t.db.query<{ row: string }>(
      "SELECT encode(email, 'escape') || encode(phone, 'escape') AS row FROM reminder_contacts WHERE user_id = $1",
      [patient.id],
    );
    expect(rows[0]!.row).not.toContain(to.email);
    expect(rows[0]!.row).not.toContain(to.phone.slice(1));

    const bad = await t.service.put(`/api/integration/users/${patient.id}`, {
      name: patient.name,
      role: 'PATIENT',
      status: 'active',
      contact: { phone: '415-555-0100' },
    });
    expect(bad.status).toBe(400);

    // A PUT without contact keeps the addresses; null removes one, and both removes the row.
    await t.service.put(`/api/integration/users/${patient.id}`, {
      name: patient.name,
      role: 'PATIENT',
      status: 'active',
    });
    expect((await patient.api.get('/api/me/reminders')).body.known).toEqual({ email: true, phone: true });
    await giveContact(patient, { phone: null });
    expect((await patient.api.get('/api/me/reminders')).body.known).toEqual({ email: true, phone: false });
    await giveContact(patient, { email: null });
    const left = await t.db.query('SELECT 1 FROM reminder_contacts WHERE user_id = $1', [patient.id]);
    expect(left.rowCount).toBe(0);
  });
});
