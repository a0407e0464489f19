import type { Pair } from './provision.js';
import type { ClientSpec } from './wire.js';
import { must } from '../must.js';

/**
 * Spreads pairs over workers and servers: pair i's patient on worker i mod W and server
 * i mod S, its doctor on the next ones, so with two of each every message crosses from one
 * worker process to the other and, in a cluster, from one server process to the other. Care-team
 * members (recipients 1…) go round the workers and servers other than the patient's, as the doctor does.
 */
export function pairClients(pairs: Pair[], workers: number, servers = 1): ClientSpec[][] {
  const out: ClientSpec[][] = Array.from({ length: workers }, () => []);
  /** Recipient r of pair i: 1 + r mod (n − 1) places after the patient's, never on it when n > 1. */
  const after = (i: number, r: number, n: number) => i + 1 + (r % Math.max(1, n - 1));
  pairs.forEach((p, i) => {
    const patient = { token: p.patientToken };
    onWorker(out, i).push({ server: i % servers, auth: patient, conversationId: p.conversationId, receives: false });
    [p.doctorToken, ...p.memberTokens].forEach((token, recipient) =>
      onWorker(out, after(i, recipient, workers)).push({
        server: after(i, recipient, servers) % servers,
        auth: { token },
        receives: p.conversationId !== undefined,
        recipient,
      }),
    );
  });
  return out;
}

/** The same shape for the bare relay: no tokens, each pair a room named like a conversation. */
export function relayClients(pairCount: number, workers: number): ClientSpec[][] {
  const out: ClientSpec[][] = Array.from({ length: workers }, () => []);
  for (let i = 0; i < pairCount; i++) {
    const room = `relay-${i}`;
    onWorker(out, i).push({ server: 0, auth: { rooms: [room] }, conversationId: room, receives: false });
    onWorker(out, i + 1).push({ server: 0, auth: { rooms: [room] }, receives: true });
  }
  return out;
}

/** The list of the worker that client `i` goes to: i mod the number of workers. */
const onWorker = (lists: ClientSpec[][], i: number): ClientSpec[] => must(lists[i % lists.length], "a worker's list");
