import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { clientId, createPair } from '../test/factories.js';
import { HttpClient } from '../test/http-client.js';
import { spawnServer, type ServerProcess } from '../test/server-process.js';
import { connectClient } from '../test/socket-client.js';

const running: ServerProcess[] = [];
afterAll(() => running.forEach((s) => s.child.kill('SIGKILL')));

async function start(): Promise<ServerProcess> {
  // One person keeps 20 sends in flight: far past a person's budget of sends a minute.
  const s = await spawnServer({ DATABASE_URL: inject('databaseUrl'), USER_SENDS_PER_MINUTE: '100000' });
  running.push(s);
  return s;
}

describe('a server killed mid-send', () => {
  it('loses no acknowledged message, and retries after restart create no duplicates', async () => {
    const first = await start();
    const { patient, doctor, conversation } = await createPair(first);
    const socket = await connectClient(first.url, { token: patient.token });

    const acked = new Map<string, string>(); // clientMessageId -> message id
    const sent: string[] = [];
    let killed = false;
    // Keep 20 sends in flight at all times until the kill lands.
    const sender = async () => {
      while (!killed) {
        const cid = clientId();
        sent.push(cid);
        const ack = await socket
          .emitAck('chat:message', { conversationId: conversation.id, clientMessageId: cid, content: `m ${cid}` })
          .catch(() => null);
        if (ack?.ok) acked.set(cid, ack.message.id);
      }
    };
    const senders = Array.from({ length: 20 }, sender);
    while (acked.size < 150) await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGKILL');
    killed = true;
    expect(await first.exited).toBe('SIGKILL');
    socket.close();
    await Promise.allSettled(senders);

    const second = await start();
    const api = new HttpClient(second.url, doctor.token);
    const history = async () => {
      const ids: string[] = [];
      let before: number | undefined;
      for (;;) {
        const { body: res } = await api.get(
          `/api/chat/conversations/${conversation.id}/messages?limit=100${before ? `&before=${before}` : ''}`,
        );
        ids.unshift(...res.data.map((m: any) => m.clientMessageId));
        if (!res.hasMore) return ids;
        before = res.data[0].seq;
      }
    };
    const stored = new Set(await history());
    for (const cid of acked.keys()) expect(stored.has(cid)).toBe(true);

    // The sender retries everything it never saw acked, with the same clientMessageIds.
    const retrier = await connectClient(second.url, { token: patient.token });
    for (const cid of sent.filter((c) => !acked.has(c))) {
      const ack = await retrier.emitAck('chat:message', {
        conversationId: conversation.id,
        clientMessageId: cid,
        content: `m ${cid}`,
      });
      expect(ack.ok).toBe(true);
    }
    const after = await history();
    expect(after.length).toBe(new Set(after).size);
    expect(new Set(after)).toEqual(new Set(sent));
    retrier.close();
  });
});
