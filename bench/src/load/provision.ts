import { MAX_BATCH_ITEMS } from '@carechat/protocol';
import { signJwt, type BenchServer } from '../server.js';

export interface Pair {
  patientId: string;
  doctorId: string;
  patientToken: string;
  doctorToken: string;
  /** The doctor's care team (STAFF), one token each; empty without `team`. */
  memberTokens: string[];
  /** Set when the pair's conversation was opened. */
  conversationId?: string;
}

const hours = (n: number) => Math.floor(Date.now() / 1000) + n * 3600;

/**
 * `count` patient–doctor pairs with an appointment each, through the integration API in
 * batches of up to 10,000 items; with `team`, each doctor also gets that many STAFF members
 * as its care team, in the same batches. With `conversations`, each patient also opens the
 * conversation with their doctor (over HTTP, `concurrency` at a time), after the teams are set.
 */
export async function provisionPairs(
  server: Pick<BenchServer, 'url' | 'serviceKey' | 'jwtSecret'>,
  count: number,
  opts: { conversations: boolean; concurrency?: number; tag?: string; team?: number },
): Promise<Pair[]> {
  const team = opts.team ?? 0;
  const run = opts.tag ?? Date.now().toString(36);
  const svc = { authorization: `Bearer ${server.serviceKey}`, 'content-type': 'application/json' };
  const token = (sub: string, role: string) => signJwt(server.jwtSecret, { sub, role, name: sub, exp: hours(12) });
  const pairs: (Pair & { memberIds: string[] })[] = [];
  for (let i = 0; i < count; i++) {
    const patientId = `lp-${run}-${i}`;
    const doctorId = `ld-${run}-${i}`;
    const memberIds = Array.from({ length: team }, (_, j) => `ls-${run}-${i}-${j}`);
    pairs.push({
      patientId,
      doctorId,
      memberIds,
      patientToken: token(patientId, 'PATIENT'),
      doctorToken: token(doctorId, 'DOCTOR'),
      memberTokens: memberIds.map((id) => token(id, 'STAFF')),
    });
  }
  // Two people and one appointment per pair; with a team, its members and the team itself.
  const perBatch = Math.floor(MAX_BATCH_ITEMS / (3 + (team > 0 ? team + 1 : 0)));
  for (let from = 0; from < pairs.length; from += perBatch) {
    const chunk = pairs.slice(from, from + perBatch);
    const users = chunk.flatMap((p, i) => [
      { id: p.patientId, name: `Patient ${from + i}`, role: 'PATIENT', status: 'active' },
      { id: p.doctorId, name: `Dr. ${from + i}`, role: 'DOCTOR', status: 'active' },
      ...p.memberIds.map((id, j) => ({
        id,
        name: `Nurse ${from + i}.${j}`,
        role: 'STAFF',
        status: 'active',
        designation: 'RN',
      })),
    ]);
    const startsAt = new Date().toISOString();
    const appointments = chunk.map((p, i) => ({
      id: `la-${run}-${from + i}`,
      patientId: p.patientId,
      doctorId: p.doctorId,
      startsAt,
      status: 'scheduled',
    }));
    const res = await fetch(`${server.url}/api/integration/batch`, {
      method: 'POST',
      headers: svc,
      body: JSON.stringify({
        users,
        appointments,
        ...(team > 0 ? { careTeams: chunk.map((p) => ({ doctorId: p.doctorId, memberIds: p.memberIds })) } : {}),
      }),
    });
    if (!res.ok) throw new Error(`provisioning failed: ${res.status} ${await res.text()}`);
  }
  if (opts.conversations) await inParallel(pairs, opts.concurrency ?? 16, (p) => openConversation(server.url, p));
  return pairs;
}

async function openConversation(url: string, pair: Pair): Promise<void> {
  const res = await fetch(`${url}/api/chat/conversations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${pair.patientToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ participantId: pair.doctorId }),
  });
  const body = (await res.json()) as { id?: string; error?: { code: string } };
  if (!res.ok || !body.id) throw new Error(`opening a conversation failed: ${res.status} ${body.error?.code}`);
  pair.conversationId = body.id;
}

export async function inParallel<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  // One iterator shared by the lanes: each takes the next item not yet taken.
  const queue = items.values();
  const lane = async () => {
    for (const item of queue) await fn(item);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}
