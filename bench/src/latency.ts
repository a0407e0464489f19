import { io, type Socket } from 'socket.io-client';
import { must } from './must.js';
import { provisionPairs } from './load/provision.js';
import type { BenchServer } from './server.js';
import { summarize } from './stats.js';

/**
 * Delivery latency between two local clients: `pairs` patient–doctor pairs, each patient
 * sending `perPair` messages at `ratePerSec` in total; measures send → ack and
 * send → peer receipt.
 */
export async function latencyScenario(
  server: BenchServer,
  opts: { pairs: number; perPair: number; ratePerSec: number },
) {
  const run = Date.now().toString(36);
  const connect = (t: string) =>
    new Promise<Socket>((resolve, reject) => {
      const s = io(server.url, { transports: ['websocket'], auth: { token: t }, reconnection: false });
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
  const pairs = [];
  for (const pair of await provisionPairs(server, opts.pairs, { conversations: true, tag: run })) {
    pairs.push({
      conversationId: must(pair.conversationId, "a pair's conversation"),
      patient: await connect(pair.patientToken),
      doctor: await connect(pair.doctorToken),
    });
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
      p.patient.timeout(10_000).emitWithAck('chat:message', {
        conversationId: p.conversationId,
        clientMessageId: `${run}-warm-${i}`,
        content: 'warm-up',
      }),
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
    const p = must(pairs[n % pairs.length], 'a pair');
    const cid = `${run}-${n}`;
    // Open loop: latency counts from the scheduled time, so a stalled server shows up.
    sentAt.set(cid, scheduled);
    acks.push(
      p.patient
        .timeout(10_000)
        .emitWithAck('chat:message', {
          conversationId: p.conversationId,
          clientMessageId: cid,
          content: `benchmark message ${n}`,
        })
        .then(
          (a: { ok: boolean }) => {
            if (a.ok) ack.push(performance.now() - scheduled);
            else failed++;
          },
          () => void failed++,
        ),
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
