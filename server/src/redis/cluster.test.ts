import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/password.js';
import { startTestApp, uniqueId, type TestApp } from '../test/app.js';
import { clientId, createAdmin, createPair, type TestUser } from '../test/factories.js';
import { REDIS_BINARY, startRedis, type TestRedis } from '../test/redis.js';
import { startPushService } from '../test/push-service.js';
import { clearOfMinuteTurn, connectClient, sleep, until, type TestSocket } from '../test/socket-client.js';
import { upsertUsers } from '../users/users.store.js';

/**
 * Two server processes' worth of app (each its own Socket.IO server, pool and Redis
 * connections) on one PostgreSQL and one Redis of this test's own, which the outage test
 * stops and starts again.
 */
describe.skipIf(!REDIS_BINARY)('several processes through Redis', () => {
  let redis: TestRedis;
  let a: TestApp;
  let b: TestApp;
  const sockets: TestSocket[] = [];
  const connect = async (app: TestApp, user: TestUser) => {
    const s = await connectClient(app.url, { token: user.token });
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    redis = await startRedis();
    const env = {
      REDIS_URL: redis.url,
      REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}:`,
      LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP: '3',
      USER_SENDS_PER_MINUTE: '8',
      PUSH_ALLOW_HTTP_ENDPOINTS: 'true',
    };
    [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
  });

  const readyz = async (app: TestApp) => (await app.anon.get('/readyz')).body;

  it('delivers messages, typing and receipts between people on different processes', async () => {
    const { patient, doctor, conversation } = await createPair(a);
    const p = await connect(a, patient);
    const d = await connect(b, doctor);
    expect(await readyz(a)).toMatchObject({ status: 'ready', fanout: 'ok' });

    const ack = await p.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: 'Across processes',
    });
    expect(ack.ok).toBe(true);
    const got = await d.waitFor('chat:message', (m) => m.id === ack.message.id);
    expect(got).toMatchObject({ content: 'Across processes', seq: ack.message.seq, senderId: patient.id });

    await d.emitAck('chat:typing:start', { conversationId: conversation.id });
    expect(await p.waitFor('chat:typing', (e) => e.isTyping)).toEqual({
      conversationId: conversation.id,
      userId: doctor.id,
      isTyping: true,
    });

    await d.emitAck('chat:read', { conversationId: conversation.id, upToSeq: ack.message.seq });
    expect(await p.waitFor('chat:read')).toMatchObject({
      conversationId: conversation.id,
      userId: doctor.id,
      upToSeq: ack.message.seq,
    });
    // Each event reaches each device once, not once per process.
    await sleep(200);
    expect(d.all('chat:message', (m) => m.id === ack.message.id)).toHaveLength(1);
    expect(p.all('chat:read')).toHaveLength(1);
  });

  it('counts a user online while any device on any process is connected', async () => {
    const { patient, doctor, conversation } = await createPair(a);
    const p = await connect(a, patient);
    const onB = await connect(b, doctor);
    expect(await p.waitFor('presence:update', (e) => e.userId === doctor.id)).toMatchObject({ online: true });
    // Process A knows through Redis that the doctor, connected only to B, is online.
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.doctor.online).toBe(true);

    const onA = await connect(a, doctor);
    onB.close();
    await sleep(400);
    expect(p.all('presence:update', (e) => e.userId === doctor.id).map((e) => e.online)).toEqual([true]);
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.doctor.online).toBe(true);

    onA.close();
    expect(await p.waitFor('presence:update', (e) => e.userId === doctor.id && !e.online)).toMatchObject({
      lastSeenAt: expect.any(String),
    });
    expect((await patient.api.get(`/api/chat/conversations/${conversation.id}`)).body.doctor.online).toBe(false);
  });

  it('pushes only when the recipient has no device connected to any process', async () => {
    const push = await startPushService();
    try {
      const { patient, doctor, conversation } = await createPair(a);
      const sub = push.subscribe();
      expect((await doctor.api.post('/api/push/subscriptions', sub)).status).toBe(201);
      const onB = await connect(b, doctor);
      await sleep(200);
      // Sent through A, whose own sockets do not include the doctor's: Redis says online.
      const p = await connect(a, patient);
      await p.emitAck('chat:message', {
        conversationId: conversation.id,
        clientMessageId: clientId(),
        content: 'Doctor is on B',
      });
      await onB.waitFor('chat:message');
      await sleep(1500);
      expect(push.received(sub)).toHaveLength(0);

      onB.close();
      await p.waitFor('presence:update', (e) => e.userId === doctor.id && !e.online);
      await p.emitAck('chat:message', {
        conversationId: conversation.id,
        clientMessageId: clientId(),
        content: 'Doctor has left',
      });
      await until(async () => push.received(sub).length === 1, 'a push');
      expect(push.failures).toEqual([]);
    } finally {
      await push.close();
    }
  });

  it('disconnects a blocked user’s sockets on every process', async () => {
    const { doctor } = await createPair(a);
    const admin = await createAdmin(a);
    const onB = await connect(b, doctor);
    const disconnected = new Promise<void>((resolve) => onB.socket.once('disconnect', () => resolve()));
    const res = await admin.api.post(`/api/admin/users/${doctor.id}/block`, {});
    expect(res.status).toBe(200);
    expect(await onB.waitFor('session:ended')).toMatchObject({ reason: 'blocked', code: 'USER_BLOCKED' });
    await disconnected;
  });

  it('shares sign-in failure limits between processes', async () => {
    const email = `${uniqueId('limit')}@example.test`;
    await upsertUsers(a.db, [
      {
        id: uniqueId('pat'),
        name: 'Lim Ited',
        email,
        role: 'PATIENT',
        status: 'active',
        passwordHash: await hashPassword('right password'),
      },
    ]);
    const login = (app: TestApp, password: string) => app.anon.post('/api/auth/login', { email, password });
    expect((await login(a, 'wrong')).status).toBe(401);
    expect((await login(b, 'wrong')).status).toBe(401);
    expect((await login(a, 'wrong')).status).toBe(401);
    // Three failures in all from this address, one on B: B refuses even the right password there.
    const limited = await login(b, 'right password');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
  });

  it('shares each person’s send budget between processes, seen within a second or two', async () => {
    await clearOfMinuteTurn();
    const { patient, conversation } = await createPair(a);
    const [onA, onB] = [await connect(a, patient), await connect(b, patient)];
    const send = (s: TestSocket) =>
      s.emitAck('chat:message', { conversationId: conversation.id, clientMessageId: clientId(), content: 'budget' });
    for (let i = 0; i < 5; i++) expect((await send(onA)).ok).toBe(true);
    expect((await send(onB)).ok).toBe(true);
    // Each process adds its sends to Redis each second and reads the totals back.
    await sleep(2500);
    expect((await send(onB)).ok).toBe(true);
    expect((await send(onB)).ok).toBe(true);
    // 8 in all, 3 of them on B: B refuses the ninth, and so does A, which sent none since.
    expect(await send(onB)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    await sleep(2500);
    expect(await send(onA)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    const stored = await a.db.query(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1`, [
      conversation.id,
    ]);
    expect(stored.rows[0].n).toBe(8);
  }, 30_000);

  it('keeps acking through a Redis outage, says so in /readyz, and catches up when Redis returns', async () => {
    const { patient, doctor, conversation } = await createPair(a);
    const p = await connect(a, patient);
    const doctorOnB = await connect(b, doctor);
    const doctorOnA = await connect(a, doctor);
    await p.waitFor('presence:update', (e) => e.userId === doctor.id && e.online);

    await redis.stop();
    await until(async () => (await readyz(a)).fanout === 'degraded', 'A to notice the outage', 15_000);
    expect((await a.anon.get('/readyz')).status).toBe(200);
    expect(await (await fetch(`${a.url}/metrics`)).text()).toMatch(/^carechat_fanout_healthy 0$/m);

    const acks = [];
    for (const content of ['During the outage 1', 'During the outage 2', 'During the outage 3']) {
      const ack = await p.emitAck('chat:message', {
        conversationId: conversation.id,
        clientMessageId: clientId(),
        content,
      });
      expect(ack.ok).toBe(true);
      acks.push(ack.message);
    }
    // The doctor's device on the same process still hears at once; the one on B cannot.
    for (const m of acks) await doctorOnA.waitFor('chat:message', (e) => e.id === m.id);
    expect(doctorOnB.all('chat:message')).toHaveLength(0);

    await redis.start();
    await until(
      async () => (await readyz(a)).fanout === 'ok' && (await readyz(b)).fanout === 'ok',
      'fan-out to recover',
      15_000,
    );
    expect(await (await fetch(`${a.url}/metrics`)).text()).toMatch(/^carechat_fanout_healthy 1$/m);
    // B's device is told the conversation moved on, and fetches what it missed.
    const lastRev = Math.max(...acks.map((m) => m.rev));
    const updated = await doctorOnB.waitFor(
      'conversation:updated',
      (c) => c.id === conversation.id && c.lastRev >= lastRev,
      10_000,
    );
    expect(updated.unreadCount).toBe(3);
    const changes = (await doctor.api.get(`/api/chat/conversations/${conversation.id}/changes?since=0`)).body;
    expect(changes.data.map((m: { id: string }) => m.id)).toEqual(acks.map((m) => m.id));

    // And fan-out works again without a restart.
    const after = await p.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: 'After the outage',
    });
    expect(after.ok).toBe(true);
    await doctorOnB.waitFor('chat:message', (e) => e.id === after.message.id, 10_000);
    await sleep(200);
    expect(doctorOnB.all('chat:message', (e) => e.id === after.message.id)).toHaveLength(1);
  }, 60_000);

  it('tells a peer on another process of a block made during a Redis outage once Redis returns', async () => {
    const { patient, doctor, conversation } = await createPair(a);
    const admin = await createAdmin(a);
    const patientOnB = await connect(b, patient);
    await until(async () => (await readyz(a)).fanout === 'ok', 'fan-out to be healthy', 15_000);

    await redis.stop();
    await until(async () => (await readyz(a)).fanout === 'degraded', 'A to notice the outage', 15_000);
    expect((await admin.api.post(`/api/admin/users/${doctor.id}/block`, {})).status).toBe(200);
    await redis.start();
    await until(
      async () => (await readyz(a)).fanout === 'ok' && (await readyz(b)).fanout === 'ok',
      'fan-out to recover',
      15_000,
    );
    expect(
      await patientOnB.waitFor('conversation:updated', (c) => c.id === conversation.id && !c.canMessage, 10_000),
    ).toMatchObject({ canMessage: false });
  }, 60_000);
});
