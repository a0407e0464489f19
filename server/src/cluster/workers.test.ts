import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { clientId, createPair } from '../test/factories.js';
import { REDIS_BINARY, startRedis, type TestRedis } from '../test/redis.js';
import { spawnServer, type ServerProcess } from '../test/server-process.js';
import { connectClient, type TestSocket } from '../test/socket-client.js';

/** A fresh TCP connection per request, so the primary routes each one anew. */
const readyzOnNewConnection = (url: string) =>
  new Promise<{ worker?: number; fanout: string }>((resolve, reject) => {
    http
      .get(`${url}/readyz`, { agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(JSON.parse(body)));
      })
      .on('error', reject);
  });

describe.skipIf(!REDIS_BINARY)('WORKERS=2 behind one port', () => {
  let redis: TestRedis;
  let server: ServerProcess;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    server = await spawnServer(
      {
        WORKERS: '2',
        REDIS_URL: redis.url,
        REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}:`,
        DATABASE_URL: inject('databaseUrl'),
      },
      { viaNpm: true },
    );
  }, 90_000);

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await redis?.stop();
  });

  it('spreads connections over both workers', async () => {
    const seen = new Set<number | undefined>();
    for (let i = 0; i < 6; i++) seen.add((await readyzOnNewConnection(server.url)).worker);
    expect([...seen].sort()).toEqual([1, 2]);
  });

  it('delivers between clients on different workers, long polling included', async () => {
    const { patient, doctor, conversation } = await createPair(server);
    // Long polling makes many requests per session: each must reach the worker holding it.
    const p = await connectClient(server.url, { token: patient.token, transports: ['polling'] });
    const d = await connectClient(server.url, { token: doctor.token, transports: ['polling'] });
    const d2 = await connectClient(server.url, { token: doctor.token });
    sockets.push(p, d, d2);
    for (let i = 0; i < 5; i++) {
      const ack = await p.emitAck('chat:message', {
        conversationId: conversation.id,
        clientMessageId: clientId(),
        content: `Polling ${i}`,
      });
      expect(ack.ok).toBe(true);
      await d.waitFor('chat:message', (m) => m.id === ack.message.id);
      await d2.waitFor('chat:message', (m) => m.id === ack.message.id);
    }
    const reply = await d.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: 'Reply',
    });
    expect(reply.ok).toBe(true);
    await p.waitFor('chat:message', (m) => m.id === reply.message.id);
    // Each of the patient's five reached the doctor once (the doctor's own reply comes back to
    // this socket too, sooner or later: not counted).
    expect(d.all('chat:message').filter((m) => m.senderId === patient.id)).toHaveLength(5);
  });

  it('routes a polling request sent the instant the handshake answers to the worker holding the session', async () => {
    // Each request on a fresh connection, as a browser behind a proxy may send them.
    const request = (method: 'GET' | 'POST', query: string, body?: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          `${server.url}/socket.io/?EIO=4&transport=polling${query}`,
          { method, agent: false },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const statuses = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const open = await request('GET', '');
        const { sid } = JSON.parse(open.body.slice(1)) as { sid: string };
        const post = await request('POST', `&sid=${sid}`, '40');
        return post.status;
      }),
    );
    expect(statuses).toEqual(statuses.map(() => 200));
  });

  it('stops every worker on SIGTERM', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
