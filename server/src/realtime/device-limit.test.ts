import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/app.js';
import { createPair, createPatient } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';
import { REDIS_BINARY, startRedis, type TestRedis } from '../test/redis.js';
import { connectClient, until, type TestSocket } from '../test/socket-client.js';

/** The connect_error of a refused handshake: its message, and the `data` the server attached. */
const refusal = (url: string, token: string) =>
  connectClient(url, { token }).then(
    (s) => {
      s.close();
      return null;
    },
    (err: Error & { data?: unknown }) => ({ message: err.message, data: err.data }),
  );

describe('sockets per person', () => {
  const t = useTestApp({ SOCKETS_PER_USER: '3' });

  it('refuses a person’s fourth socket as RATE_LIMITED, nobody else’s, and takes one again after a close', async () => {
    const patient = await createPatient(t);
    const held = await Promise.all([1, 2, 3].map(() => t.connect(patient.token)));
    expect(await refusal(t.url, patient.token)).toEqual({
      message: 'RATE_LIMITED',
      data: { code: 'RATE_LIMITED', message: expect.stringMatching(/^At most 3 devices/) },
    });
    // Six at once: none gets past the limit while the others are still authenticating.
    const burst = await Promise.all(Array.from({ length: 6 }, () => refusal(t.url, patient.token)));
    expect(burst.every((r) => r?.message === 'RATE_LIMITED')).toBe(true);

    const other = await createPatient(t);
    expect((await t.connect(other.token)).socket.connected).toBe(true);

    held[0]!.close();
    await until(async () => (await refusal(t.url, patient.token)) === null, 'a socket to be taken after one closed');
  });

  it('cuts off a socket flooding past refusals, holds off its person’s new ones; their other one works', async () => {
    const limited = await startTestApp({ SOCKET_EVENTS_PER_10S: '10' });
    const sockets: TestSocket[] = [];
    try {
      const { patient, conversation } = await createPair(limited);
      const flood = await connectClient(limited.url, { token: patient.token });
      const calm = await connectClient(limited.url, { token: patient.token });
      sockets.push(flood, calm);
      const gone = new Promise<string>((resolve) => flood.socket.once('disconnect', (reason) => resolve(reason)));
      // Events no handler knows count too: the budget is checked before any handler.
      const answers: unknown[] = [];
      for (let i = 0; i < 300; i++)
        (flood.socket as any).emit(
          i % 2 ? 'no:such:event' : 'chat:typing:start',
          { conversationId: conversation.id },
          (a: unknown) => answers.push(a),
        );
      expect(await gone).toBe('io server disconnect');
      expect(answers).toContainEqual({
        ok: false,
        error: { code: 'RATE_LIMITED', message: 'Too many events; slow down' },
      });
      expect((await calm.emitAck('chat:typing:start', { conversationId: conversation.id })).ok).toBe(true);
      // Nor is the flooder back at once: the person's new sockets wait a while.
      expect(await refusal(limited.url, patient.token)).toEqual({
        message: 'RATE_LIMITED',
        data: { code: 'RATE_LIMITED', message: expect.stringMatching(/connect again in a few seconds/) },
      });
    } finally {
      sockets.forEach((s) => s.close());
      await limited.close();
    }
  });
});

describe.skipIf(!REDIS_BINARY)('sockets per person across processes', () => {
  let redis: TestRedis;
  let a: TestApp;
  let b: TestApp;
  const prefix = `test-${randomBytes(4).toString('hex')}:`;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: prefix, SOCKETS_PER_USER: '3' };
    [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
  });

  it('counts the devices a person holds on every process', async () => {
    const patient = await createPatient(a);
    sockets.push(...(await Promise.all([a, a, b].map((app) => connectClient(app.url, { token: patient.token })))));
    // Presence counts each connection in Redis just after it is made.
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      await until(
        async () =>
          Object.values(await client.hGetAll(`${prefix}presence:user:${patient.id}`)).reduce(
            (n, v) => n + Number(v),
            0,
          ) === 3,
        'three devices in Redis',
      );
    } finally {
      await client.quit();
    }
    expect((await refusal(b.url, patient.token))?.message).toBe('RATE_LIMITED');
    expect((await refusal(a.url, patient.token))?.message).toBe('RATE_LIMITED');
  });
});
