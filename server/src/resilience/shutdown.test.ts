import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { clientId, createPair } from '../test/factories.js';
import { HttpClient } from '../test/http-client.js';
import { spawnServer, type ServerProcess } from '../test/server-process.js';
import { connectClient } from '../test/socket-client.js';

const running: ServerProcess[] = [];
afterAll(() => running.forEach((s) => s.child.kill('SIGKILL')));

describe('SIGTERM', () => {
  it('answers every send already accepted, keeps what it acked, and exits cleanly', async () => {
    const server = await spawnServer({ DATABASE_URL: inject('databaseUrl') });
    running.push(server);
    const { patient, doctor, conversation } = await createPair(server);
    const socket = await connectClient(server.url, { token: patient.token });

    const pending = Array.from({ length: 40 }, () => {
      const cid = clientId();
      return socket
        .emitAck('chat:message', { conversationId: conversation.id, clientMessageId: cid, content: `bye ${cid}` })
        .then(
          (ack) => ({ cid, ack }),
          (err: Error) => ({ cid, ack: { ok: false, lost: err.message } }),
        );
    });
    server.child.kill('SIGTERM');
    const results = await Promise.all(pending);
    expect(await server.exited).toBe(0);

    // Every send got an answer before the socket closed: done, or refused as "restarting".
    for (const r of results) expect(r.ack.ok || r.ack.error?.code === 'SERVICE_UNAVAILABLE').toBe(true);
    const okIds = results.filter((r) => r.ack.ok).map((r) => r.cid);
    expect(okIds.length).toBeGreaterThan(0);

    const again = await spawnServer({ DATABASE_URL: inject('databaseUrl') });
    running.push(again);
    const page = await new HttpClient(again.url, doctor.token).get(
      `/api/chat/conversations/${conversation.id}/messages?limit=100`,
    );
    const stored = new Set(page.body.data.map((m: any) => m.clientMessageId));
    for (const cid of okIds) expect(stored.has(cid)).toBe(true);
    // A refused send was not half-done: nothing of it was stored.
    for (const r of results.filter((x) => !x.ack.ok)) expect(stored.has(r.cid)).toBe(false);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });
});
