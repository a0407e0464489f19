import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../test/app.js';
import { useTestApp } from '../test/harness.js';
import { clientId, createPair, sendText, type Pair, type TestUser } from '../test/factories.js';
import { usePushService, type Answer, type TestSubscription } from '../test/push-service.js';
import { sleep, until } from '../test/socket-client.js';

const t = useTestApp({ PUSH_ALLOW_HTTP_ENDPOINTS: 'true' });
const push = usePushService();

async function subscribed(user: TestUser): Promise<TestSubscription> {
  const sub = push.subscribe();
  const res = await user.api.post('/api/push/subscriptions', { ...sub, expirationTime: null });
  expect(res.status).toBe(201);
  return sub;
}

/**
 * No push to the recipient is still to come in the conversation: every message has been queued
 * for them (or absorbed by a pending notice) and the outbox holds none of their notices.
 */
const pushesSettled = async (userId: string, conversationId: string) => {
  const { rows } = await t.db.query<{ settled: boolean }>(
    `SELECT cm.push_queued_seq = c.last_seq AND NOT EXISTS (
              SELECT 1 FROM push_outbox o JOIN push_subscriptions s ON s.id = o.subscription_id
               WHERE s.user_id = $1) AS settled
       FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id
      WHERE cm.conversation_id = $2 AND cm.user_id = $1`,
    [userId, conversationId],
  );
  return rows[0]?.settled === true;
};

const subscriptionCount = async (userId: string) =>
  (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM push_subscriptions WHERE user_id = $1', [userId]))
    .rows[0]!.n;

describe('Web Push', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await createPair(t);
  });

  it('gives an offline recipient exactly one push, VAPID-signed, with no message text or sender', async () => {
    const sub = await subscribed(pair.doctor);
    await sendText(pair.patient, pair.conversation.id, 'Secret symptom: chest pain since Tuesday');
    await until(() => push.received(sub).length > 0, 'a push');
    await until(() => pushesSettled(pair.doctor.id, pair.conversation.id), 'no push still to come');
    const got = push.received(sub);
    expect(got).toHaveLength(1);
    expect(got[0]!.payload).toEqual({ title: 'New secure message', conversationId: pair.conversation.id });
    expect(got[0]!.text).not.toMatch(/Secret|chest|Tuesday/);
    expect(got[0]!.text).not.toContain(pair.patient.name);
    // Signed with the key browsers are given, for this push service's origin.
    const { publicKey } = (await pair.doctor.api.get('/api/push/public-key')).body;
    expect(got[0]!.vapid.publicKey).toBe(publicKey);
    expect(got[0]!.vapid.claims.aud).toBe(push.origin);
    expect(got[0]!.vapid.claims.exp * 1000).toBeGreaterThan(Date.now());
    expect(got[0]!.headers).toMatchObject({
      urgency: 'high',
      ttl: expect.stringMatching(/^\d+$/),
      topic: expect.stringMatching(/^[\w-]{1,32}$/),
    });
  });

  it('sends nothing to a recipient with a connected device', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const sub = await subscribed(doctor);
    const socket = await t.connect(doctor.token);
    await t.app.settled(); // the server has counted the doctor online
    await sendText(patient, conversation.id, 'While the doctor is online');
    await socket.waitFor('chat:message');
    // Nothing is queued, so there is no state to wait on: wait out the dispatcher's 1 s poll,
    // which would send a notice queued without a nudge.
    await sleep(1500);
    expect(push.received(sub)).toHaveLength(0);
  });

  it('collapses a burst of 20 messages into one push', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const sub = await subscribed(doctor);
    await Promise.all(Array.from({ length: 20 }, (_, i) => sendText(patient, conversation.id, `Burst ${i}`)));
    await until(() => push.received(sub).length > 0, 'a push');
    await until(() => pushesSettled(doctor.id, conversation.id), 'no push still to come');
    expect(push.received(sub)).toHaveLength(1);
  });

  it('names the sender only for someone who chose to see it, and no longer once they choose not to', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const sub = await subscribed(patient);
    expect((await patient.api.get('/api/push/settings')).body).toEqual({ showSender: false, available: true });
    expect((await patient.api.put('/api/push/settings', { showSender: true })).body).toEqual({
      showSender: true,
      available: true,
    });
    // Stored, not just echoed; and the choice is the patient's alone.
    expect((await patient.api.get('/api/push/settings')).body).toEqual({ showSender: true, available: true });
    expect((await doctor.api.get('/api/push/settings')).body).toEqual({ showSender: false, available: true });
    const ack = await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      content: 'Your results are in',
    });
    expect(ack.status).toBe(201);
    await until(() => push.received(sub).length > 0, 'a push');
    expect(push.received(sub)[0]!.payload).toEqual({
      title: 'New secure message',
      conversationId: conversation.id,
      senderName: doctor.name,
    });
    expect(push.received(sub)[0]!.text).not.toContain('results');

    expect((await patient.api.put('/api/push/settings', { showSender: false })).body).toEqual({
      showSender: false,
      available: true,
    });
    expect((await patient.api.get('/api/push/settings')).body).toEqual({ showSender: false, available: true });
    // A second device: the first was just pushed about this conversation, so its next push collapses.
    const later = await subscribed(patient);
    await sendText(doctor, conversation.id, 'Your next appointment');
    await until(() => push.received(later).length > 0, 'a push');
    expect(push.received(later)[0]!.payload).toEqual({ title: 'New secure message', conversationId: conversation.id });
    expect(push.received(later)[0]!.text).not.toContain(doctor.name);

    const notBoolean = await patient.api.put('/api/push/settings', { showSender: 'yes' });
    expect(notBoolean.status).toBe(400);
    expect(notBoolean.body.error.code).toBe('VALIDATION_FAILED');
    expect((await t.anon.get('/api/push/settings')).status).toBe(401);
    expect((await t.anon.put('/api/push/settings', { showSender: true })).status).toBe(401);
    expect((await patient.api.get('/api/push/settings')).body.showSender).toBe(false);
  });

  it.each([404, 410])('forgets a subscription the push service answers %i for', async (status) => {
    const { patient, doctor, conversation } = await createPair(t);
    const sub = await subscribed(doctor);
    const kept = await subscribed(patient);
    push.answer(sub, status);
    expect(await subscriptionCount(doctor.id)).toBe(1);
    await sendText(patient, conversation.id, 'To a device that is gone');
    await until(async () => (await subscriptionCount(doctor.id)) === 0, 'the subscription to go');
    expect(push.received(sub)).toHaveLength(1);
    // Not retried, and only that device is forgotten.
    await until(() => pushesSettled(doctor.id, conversation.id), 'no push still to come');
    expect(push.received(sub)).toHaveLength(1);
    expect(await subscriptionCount(patient.id)).toBe(1);
    await sendText(doctor, conversation.id, 'To the patient, whose device is still there');
    await until(() => push.received(kept).length === 1, 'a push to the device still subscribed');
  });

  it.each<Answer>([500, 'reset'])('retries after %s, with backoff, and delivers once', async (failure) => {
    const { patient, doctor, conversation } = await createPair(t);
    const sub = await subscribed(doctor);
    push.answer(sub, failure);
    await sendText(patient, conversation.id, 'Through a flaky push service');
    await until(() => push.received(sub).length === 2, 'the retry', 15_000);
    const [first, second] = push.received(sub);
    expect([first!.answer, second!.answer]).toEqual([failure, 201]);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
    await until(() => pushesSettled(doctor.id, conversation.id), 'no push still to come');
    expect(push.received(sub)).toHaveLength(2);
    expect(await subscriptionCount(doctor.id)).toBe(1);
  });

  it('keeps sends fast, and other devices’ pushes going, while a push service never answers', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const stuck = await subscribed(doctor);
    push.answer(stuck, 'hang');
    await sendText(patient, conversation.id, 'To a push service that hangs');
    await until(() => push.received(stuck).length === 1, 'the push that hangs');
    expect(push.hanging()).toBe(1);

    const socket = await t.connect(patient.token);
    const ackMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const ack = await socket.emitAck('chat:message', {
        conversationId: conversation.id,
        clientMessageId: clientId(),
        content: `While it hangs ${i}`,
      });
      ackMs.push(performance.now() - started);
      expect(ack.ok).toBe(true);
    }
    expect(Math.max(...ackMs)).toBeLessThan(1000);
    // Someone else's push goes out at once, not after the hanging request times out.
    const other = await createPair(t);
    const elsewhere = await subscribed(other.doctor);
    await sendText(other.patient, other.conversation.id, 'Meanwhile');
    await until(() => push.received(elsewhere).length === 1, 'the other device’s push', 5000);
    // All of it happened while the first request was still unanswered.
    expect(push.hanging()).toBe(1);
  });

  it('stops after unsubscribing, and refuses malformed or non-HTTPS subscriptions', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const sub = await subscribed(doctor);
    const gone = await doctor.api.delete(`/api/push/subscriptions?endpoint=${encodeURIComponent(sub.endpoint)}`);
    expect(gone.status).toBe(204);
    await sendText(patient, conversation.id, 'After unsubscribing');
    // As above: nothing to wait on but the dispatcher's 1 s poll.
    await sleep(1500);
    expect(push.received(sub)).toHaveLength(0);

    const bad = await doctor.api.post('/api/push/subscriptions', {
      endpoint: sub.endpoint,
      keys: { p256dh: 'short', auth: sub.keys.auth },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const ftp = await doctor.api.post('/api/push/subscriptions', {
      ...push.subscribe(),
      endpoint: 'ftp://push.example/x',
    });
    expect(ftp.status).toBe(400);
    expect((await t.anon.post('/api/push/subscriptions', push.subscribe())).status).toBe(401);
  });

  it('posts only to browser push services, and follows no redirect', async () => {
    // Outside the tests' own push service, an endpoint must be a push service's https address.
    const strict = await startTestApp({});
    try {
      const { doctor } = await createPair(strict);
      for (const endpoint of [
        'https://10.0.0.5/x',
        'https://127.0.0.1:8443/x',
        'https://localhost/x',
        'https://169.254.169.254/latest',
        'https://push.example.com/x',
        'https://fcm.googleapis.com.evil.example/x',
      ])
        expect(
          (await doctor.api.post('/api/push/subscriptions', { ...push.subscribe(), endpoint })).status,
          endpoint,
        ).toBe(400);
      expect(
        (
          await doctor.api.post('/api/push/subscriptions', {
            ...push.subscribe(),
            endpoint: 'https://fcm.googleapis.com/fcm/send/abc',
          })
        ).status,
      ).toBe(201);
    } finally {
      await strict.close();
    }

    // A push service that answers with a redirect to somewhere else (a 303 would be followed as a GET):
    // nothing goes there.
    let hitsElsewhere = 0;
    const elsewhere = http.createServer((req, res) => (hitsElsewhere++, res.end()));
    const redirecting = http.createServer((req, res) => {
      req.resume();
      res.writeHead(303, { location: `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/internal` }).end();
    });
    let redirected = 0;
    redirecting.on('request', () => redirected++);
    await Promise.all([elsewhere, redirecting].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
    try {
      const { patient, doctor, conversation } = await createPair(t);
      const sub = {
        ...push.subscribe(),
        endpoint: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/push/1`,
      };
      expect((await doctor.api.post('/api/push/subscriptions', sub)).status).toBe(201);
      await sendText(patient, conversation.id, 'For the redirecting service');
      await until(() => redirected > 0, 'the push service to be asked');
      // Settled once the 303 was answered: a redirect followed would have come before.
      await until(() => pushesSettled(doctor.id, conversation.id), 'the notice to be settled');
      expect(hitsElsewhere).toBe(0);
    } finally {
      await Promise.all([elsewhere, redirecting].map((s) => new Promise((r) => s.close(r))));
    }
  });
});
