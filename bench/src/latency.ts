import { io, type Socket } from 'socket.io-client';
import { signJwt, type BenchServer } from './server.js';
import { summarize } from './stats.js';

/**
 * Delivery latency between two local clients: `pairs` patient–doctor pairs, each patient
 * sending `perPair` messages at `ratePerSec` in total; measures send → ack and
 * send → peer receipt.
 */
export async function latencyScenario(server: BenchServer, opts: { pairs: number; perPair: number; ratePerSec: number }) {
  const svc = { authorization: `Bearer ${server.serviceKey}`, 'content-type': 'application/json' };
  const run = Date.now().toString(36);
  const users = [];
  const appointments = [];
  for (let i = 0; i < opts.pairs; i++) {
    users.push({ id: `bp-${run}-${i}`, name: `Patient ${i}`, role: 'PATIENT', status: 'active' });
    users.push({ id: `bd-${run}-${i}`, name: `Dr. ${i}`, role: 'DOCTOR', status: 'active' });
    appointments.push({ id: `ba-${run}-${i}`, patientId: `bp-${run}-${i}`, doctorId: `bd-${run}-${i}`, startsAt: new Date().toISOString(), status: 'scheduled' });
  }
  const batch = await fetch(`${server.url}/api/integration/batch`, { method: 'POST', headers: svc, body: JSON.stringify({ users, appointments }) });
  if (!batch.ok) throw new Error(`provisioning failed: ${batch.status}`);
  const token = (id: string, role: string) => signJwt(server.jwtSecret, { sub: id, role, name: id, exp: Math.floor(Date.now() / 1000) + 3600 });
  const connect = (t: string) =>
    new Promise<Socket>((resolve, reject) => {
      const s = io(server.url, { transports: ['websocket'], auth: { token: t }, reconnection: false });
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });

  const pairs = [];
  for (let i = 0; i < opts.pairs; i++) {
    const pt = token(`bp-${run}-${i}`, 'PATIENT');
    const res = await fetch(`${server.url}/api/chat/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ participantId: `bd-${run}-${i}` }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    pairs.push({ conversationId: res.id, patient: await connect(pt), doctor: await connect(token(`bd-${run}-${i}`, 'DOCTOR')) });
  }

  const sentAt = new Map<string, number>();
  const delivery: number[] = [];
  const ack: number[] = [];
  let duplicates = 0;
  let failed = 0;
  const seen = new Set<string>();
  for (const p of pairs)
    p.doctor.on('chat:message', (m: { clientMessageId: string }) => {
      const t0 = sentAt.get(m.clientMessageId);
      if (seen.has(m.clientMessageId)) duplicates++;
      seen.add(m.clientMessageId);
      if (t0 !== undefined) delivery.push(performance.now() - t0);
    });

  // Warm up (JIT, pool connections, prepared plans) outside the measurement.
  await Promise.all(
    pairs.map((p, i) =>
      p.patient.timeout(10_000).emitWithAck('chat:message', { conversationId: p.conversationId, clientMessageId: `${run}-warm-${i}`, content: 'warm-up' }),
    ),
  );
  await new Promise((r) => setTimeout(r, 500));
  const total = opts.pairs * opts.perPair;
  const interval = 1000 / opts.ratePerSec;
  const start = performance.now();
  const acks: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const scheduled = start + n * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const p = pairs[n % pairs.length]!;
    const cid = `${run}-${n}`;
    // Open loop: latency counts from the scheduled time, so a stalled server shows up.
    sentAt.set(cid, scheduled);
    acks.push(
      p.patient
        .timeout(10_000)
        .emitWithAck('chat:message', { conversationId: p.conversationId, clientMessageId: cid, content: `benchmark message ${n}` })
        .then((a: { ok: boolean }) => {
          if (a.ok) ack.push(performance.now() - scheduled);
          else failed++;
        }, () => void failed++),
    );
  }
  await Promise.all(acks);
  const deadline = Date.now() + 10_000;
  while (delivery.length < total - failed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const elapsed = (performance.now() - start) / 1000;
  pairs.forEach((p) => {
    p.patient.close();
    p.doctor.close();
  });
  return {
    scenario: 'latency',
    pairs: opts.pairs,
    messages: total,
    targetRatePerSec: opts.ratePerSec,
    achievedRatePerSec: Math.round(total / elapsed),
    ackMs: summarize(ack),
    deliveryMs: summarize(delivery),
    acksFailed: failed,
    notDelivered: total - failed - delivery.length,
    duplicates,
  };
}
