import type { Pair } from './provision.js';
import type { ClientSpec } from './wire.js';
import { must } from '../must.js';

/**
 * Spreads pairs over workers and servers: pair i's patient on worker i mod W and server
 * i mod S, its doctor on the next ones, so with two of each every message crosses from one
 * worker process to the other and, in a cluster, from one server process to the other.
 */
export function pairClients(pairs: Pair[], workers: number, servers = 1): ClientSpec[][] {
  const out: ClientSpec[][] = Array.from({ length: workers }, () => []);
  pairs.forEach((p, i) => {
    const patient = { token: p.patientToken };
    const doctor = { token: p.doctorToken };
    onWorker(out, i).push({ server: i % servers, auth: patient, conversationId: p.conversationId, receives: false });
    onWorker(out, i + 1).push({ server: (i + 1) % servers, auth: doctor, receives: p.conversationId !== undefined });
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
