import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniqueId, type TestApp } from '../test/app.js';
import { clientId, createPair, type Pair, type TestUser } from '../test/factories.js';
import { FakeClock } from '../test/fake-clock.js';
import { startPushService, type TestSubscription } from '../test/push-service.js';
import { startSmsProvider, startSmtpSink } from '../test/reminder-providers.js';
import { until } from '../test/socket-client.js';

const MINUTE = 60_000;
const SECRET = 'Stop taking warfarin before the biopsy';
const ACK_SUBJECT = 'Subject: Please confirm you have read a secure message';

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let sms: Awaited<ReturnType<typeof startSmsProvider>>;
let push: Awaited<ReturnType<typeof startPushService>>;
let t: TestApp;
let clock: FakeClock;

beforeAll(async () => {
  [smtp, sms, push] = await Promise.all([startSmtpSink(), startSmsProvider(), startPushService()]);
});
afterAll(async () => {
  expect(push.failures).toEqual([]);
  await Promise.all([smtp.close(), sms.close(), push.close()]);
});
afterEach(async () => {
  await t?.close();
});

/**
 * A server of its own for each test, on a clock the test moves: a reminder round every 60
 * minutes, two at most. Unread-message reminders wait longer than the sweep ever looks back, so
 * every e-mail here is an acknowledgement reminder.
 */
async function start() {
  clock = new FakeClock();
  t = await startTestApp(
    {
      SMTP_URL: smtp.url,
      SMS_URL: sms.url,
      PUSH_ALLOW_HTTP_ENDPOINTS: 'true',
      REMINDER_AFTER_MINUTES: String(60 * 24 * 7),
      ACK_REMINDER_MINUTES: '60',
      ACK_REMINDER_LIMIT: '2',
    },
    { clock },
  );
}

const run = () => t.app.jobs.runReminders();
/** The push dispatcher polls its outbox each second of the services' clock: moved on until `n` have come. */
const pushesReach = (sub: TestSubscription, n: number, what: string) =>
  until(() => {
    clock.advance(1000);
    return push.received(sub).length === n;
  }, what);
const noQuietHours = { start: '00:00', end: '00:00', timeZone: 'UTC' };

/** The patient has an e-mail address and a phone from the host platform, and chose `channels`. */
async function reachable(user: TestUser, channels: string[], quietHours = noQuietHours) {
  const to = { email: `${uniqueId('p')}@mail.example`, phone: `+1415${Date.now() % 10_000_000}` };
  const res = await t.service.put(`/api/integration/users/${user.id}`, {
    name: user.name,
    role: user.role,
    status: 'active',
    contact: to,
  });
  expect(res.status).toBe(200);
  expect((await user.api.put('/api/me/reminders', { channels, quietHours })).status).toBe(200);
  return to;
}

async function askAck(pair: Pair) {
  const res = await pair.doctor.api.post(`/api/chat/conversations/${pair.conversation.id}/messages`, {
    clientMessageId: clientId(),
    content: SECRET,
    requestAck: true,
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; seq: number };
}

const remindersOf = async (pair: Pair) =>
  ((await pair.doctor.api.get('/api/acknowledgements/pending')).body.data as { reminders: number }[])[0]?.reminders;

/** A local time of day in UTC, `shift` minutes from the fake clock's now, as HH:MM. */
const utcTime = (shiftMinutes: number) => new Date(clock.now() + shiftMinutes * MINUTE).toISOString().slice(11, 16);

describe('acknowledgement reminders', () => {
  it('remind at the interval, a bounded number of times, PHI-free, though the message was read', async () => {
    await start();
    const pair = await createPair(t);
    const to = await reachable(pair.patient, ['email', 'sms']);
    const sent = await askAck(pair);
    // Read on a device: a receipt, not an acknowledgement. Reminders go on.
    await pair.patient.api.post(`/api/chat/conversations/${pair.conversation.id}/read`, { upToSeq: sent.seq });

    clock.advance(59 * MINUTE);
    await run();
    expect(smtp.to(to.email)).toHaveLength(0);
    clock.advance(2 * MINUTE);
    await run();
    const [mail] = smtp.to(to.email);
    expect(mail!.raw).toContain(ACK_SUBJECT);
    expect(mail!.raw).toContain('A secure message from your care team asks you to confirm you have read it.');
    expect(sms.to(to.phone)[0]!.body).toMatch(/^A secure message from your care team asks you to confirm/);
    for (const text of [mail!.raw, sms.to(to.phone)[0]!.body]) {
      expect(text).not.toContain('warfarin');
      expect(text).not.toContain(pair.doctor.name);
    }
    expect(await remindersOf(pair)).toBe(1);

    clock.advance(30 * MINUTE);
    await run();
    expect(smtp.to(to.email)).toHaveLength(1);
    clock.advance(31 * MINUTE);
    await run();
    expect(smtp.to(to.email)).toHaveLength(2);
    expect(await remindersOf(pair)).toBe(2);
    // ACK_REMINDER_LIMIT reached: no third, however long it waits.
    clock.advance(600 * MINUTE);
    await run();
    expect(smtp.to(to.email)).toHaveLength(2);
    expect(sms.to(to.phone)).toHaveLength(2);
  });

  it('never remind after acknowledgement, also of a reminder already queued and waiting for a retry', async () => {
    await start();
    const pair = await createPair(t);
    const to = await reachable(pair.patient, ['sms']);
    const sent = await askAck(pair);
    sms.failNext(503);
    clock.advance(61 * MINUTE);
    await run();
    expect(sms.to(to.phone).map((r) => r.status)).toEqual([503]);

    expect((await pair.patient.api.post(`/api/chat/messages/${sent.id}/acknowledge`, {})).status).toBe(200);
    for (let i = 0; i < 4; i++) {
      clock.advance(61 * MINUTE);
      await run();
    }
    expect(sms.to(to.phone).map((r) => r.status)).toEqual([503]);
    const { rows } = await t.db.query<{ outcome: string }>(
      'SELECT outcome FROM reminder_outbox WHERE message_id = $1',
      [sent.id],
    );
    expect(rows).toEqual([{ outcome: 'read' }]);
    expect(await remindersOf(pair)).toBeUndefined();
  });

  it("wait for the end of the patient's quiet hours", async () => {
    await start();
    const pair = await createPair(t);
    // Quiet from an hour after now until three hours after: the first round falls inside.
    const to = await reachable(pair.patient, ['email'], { start: utcTime(30), end: utcTime(180), timeZone: 'UTC' });
    await askAck(pair);
    clock.advance(61 * MINUTE);
    await run();
    clock.advance(100 * MINUTE);
    await run();
    expect(smtp.to(to.email)).toHaveLength(0);
    expect(await remindersOf(pair)).toBe(0);
    clock.advance(20 * MINUTE);
    await run();
    expect(smtp.to(to.email)).toHaveLength(1);
  });

  it('go by push first to a patient with a device, then by push and e-mail', async () => {
    await start();
    const pair = await createPair(t);
    const sub = push.subscribe();
    expect((await pair.patient.api.post('/api/push/subscriptions', { ...sub, expirationTime: null })).status).toBe(201);
    const to = await reachable(pair.patient, ['email']);
    await askAck(pair);
    // The message's own push (the patient has no device connected).
    await until(() => push.received(sub).length === 1, 'the message push');

    clock.advance(61 * MINUTE);
    await run();
    await pushesReach(sub, 2, 'the first reminder push');
    expect(push.received(sub)[1]!.payload).toEqual({
      title: 'Please confirm you have read a secure message',
      conversationId: pair.conversation.id,
    });
    expect(smtp.to(to.email)).toHaveLength(0);

    clock.advance(61 * MINUTE);
    await run();
    await pushesReach(sub, 3, 'the second reminder push');
    expect(smtp.to(to.email)).toHaveLength(1);
  });
});
