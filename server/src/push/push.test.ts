import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { clientId, createPair, sendText, type Pair, type TestUser } from '../test/factories.js';
import { startPushService, type TestSubscription } from '../test/push-service.js';
import { sleep, until } from '../test/socket-client.js';

const t = useTestApp({ PUSH_ALLOW_HTTP_ENDPOINTS: 'true' });
let push: Awaited<ReturnType<typeof startPushService>>;

beforeAll(async () => {
  push = await startPushService();
});
afterAll(async () => {
  expect(push.failures).toEqual([]);
  await push.close();
});

async function subscribed(user: TestUser): Promise<TestSubscription> {
  const sub = push.subscribe();
  const res = await user.api.post('/api/push/subscriptions', { ...sub, expirationTime: null });
  expect(res.status).toBe(201);
  return sub;
}


const subscriptionCount = async (userId: string) =>
  (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM push_subscriptions WHERE user_id = $1', [userId])).rows[0]!.n;

describe('Web Push', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await createPair(t);
  });

  it('gives an offline recipient exactly one push, VAPID-signed, with no message text or sender', async () => {
    const sub = await subscribed(pair.doctor);
    await sendText(pair.patient, pair.conversation.id, 'Secret symptom: chest pain since Tuesday');
    await until(() => push.received(sub).length > 0, 'a push');
    await sleep(1500);
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
    expect(got[0]!.headers).toMatchObject({ urgency: 'high', ttl: expect.stringMatching(/^\d+$/), topic: expect.stringMatching(/^[\w-]{1,32}$/) });
  });

  it('sends nothing to a recipient with a connected device', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const sub = await subscribed(doctor);
    const socket = await t.connect(doctor.token);
    await sleep(200);
    await sendText(patient, conversation.id, 'While the doctor is online');
    await socket.waitFor('chat:message');
    await sleep(1500);
    expect(push.received(sub)).toHaveLength(0);
  });

  it('collapses a burst of 20 messages into one push', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const sub = await subscribed(doctor);
    await Promise.all(Array.from({ length: 20 }, (_, i) => sendText(patient, conversation.id, `Burst ${i}`)));
    await until(() => push.received(sub).length > 0, 'a push');
    await sleep(2500);
    expect(push.received(sub)).toHaveLength(1);
  });

  it('names the sender only for someone who chose to see it', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const sub = await subscribed(patient);
    expect((await patient.api.get('/api/push/settings')).body).toEqual({ showSender: false, available: true });
    expect((await patient.api.put('/api/push/settings', { showSender: true })).body).toEqual({ showSender: true, available: true });
    const ack = await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, { clientMessageId: clientId(), content: 'Your results are in' });
    expect(ack.status).toBe(201);
    await until(() => push.received(sub).length > 0, 'a push');
    expect(push.received(sub)[0]!.payload).toEqual({ title: 'New secure message', conversationId: conversation.id, senderName: doctor.name });
    expect(push.received(sub)[0]!.text).not.toContain('results');
  });

  it('forgets a subscription the push service answers 410 for', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const sub = await subscribed(doctor);
    push.answer(sub, 410);
    expect(await subscriptionCount(doctor.id)).toBe(1);
    await sendText(patient, conversation.id, 'To a device that is gone');
    await until(async () => (await subscriptionCount(doctor.id)) === 0, 'the subscription to go');
    expect(push.received(sub)).toHaveLength(1);
  });

  it('retries after a 500, with backoff, and delivers once', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const sub = await subscribed(doctor);
    push.answer(sub, 500);
    await sendText(patient, conversation.id, 'Through a flaky push service');
    await until(() => push.received(sub).length === 2, 'the retry', 15_000);
    const [first, second] = push.received(sub);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
    await sleep(2500);
    expect(push.received(sub)).toHaveLength(2);
    expect(await subscriptionCount(doctor.id)).toBe(1);
  });

  it('stops after unsubscribing, and refuses malformed or non-HTTPS subscriptions', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const sub = await subscribed(doctor);
    const gone = await doctor.api.delete(`/api/push/subscriptions?endpoint=${encodeURIComponent(sub.endpoint)}`);
    expect(gone.status).toBe(204);
    await sendText(patient, conversation.id, 'After unsubscribing');
    await sleep(1500);
    expect(push.received(sub)).toHaveLength(0);

    const bad = await doctor.api.post('/api/push/subscriptions', { endpoint: sub.endpoint, keys: { p256dh: 'short', auth: sub.keys.auth } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const ftp = await doctor.api.post('/api/push/subscriptions', { ...push.subscribe(), endpoint: 'ftp://push.example/x' });
    expect(ftp.status).toBe(400);
    expect((await t.anon.post('/api/push/subscriptions', push.subscribe())).status).toBe(401);
  });
});
