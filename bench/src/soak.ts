import { startCarechatLoad, type LoadOptions } from './load/carechat.js';
import { isClean } from './load/pool.js';
import { progress } from './load/steps.js';
import { must } from './must.js';

const INTERVAL_S = 10;

/**
 * The server's heap from /metrics: in use as sampled, and in use right after a full GC (the
 * soak starts the server with --expose-gc, which makes /metrics collect first).
 */
async function heapMb(url: string): Promise<{ used: number | null; afterGc: number | null }> {
  const mb = (v: string | undefined) => (v === undefined ? null : Math.round(Number(v) / 104857.6) / 10);
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    return {
      used: mb(/^carechat_process_nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1]),
      afterGc: mb(/^carechat_heap_used_after_gc_bytes (\S+)/m.exec(text)?.[1]),
    };
  } catch {
    return { used: null, afterGc: null };
  }
}

/**
 * A steady rate for a long time, in 10 s intervals: the server's RSS and its heap after a
 * full GC at the end of each, to find leaks.
 */
export async function soakScenario(o: LoadOptions & { ratePerSec: number; durationSeconds: number }) {
  const { database, servers, loaded } = await startCarechatLoad({ ...o, nodeArgs: ['--expose-gc'] });
  const { pool, meters } = loaded;
  const warmUp = await pool.step({ ratePerSec: Math.min(200, o.ratePerSec), durationMs: 2000, meters });
  const samples = [];
  for (let done = 0; done < o.durationSeconds; done += INTERVAL_S) {
    const s = await pool.step({
      ratePerSec: o.ratePerSec,
      durationMs: Math.min(INTERVAL_S, o.durationSeconds - done) * 1000,
      meters,
    });
    progress(`soak ${done + INTERVAL_S} s`, s);
    const heap = await heapMb(servers[0].url);
    const server = must(s.servers[0], "the step's server sample");
    samples.push({
      atSeconds: Math.min(done + INTERVAL_S, o.durationSeconds),
      rssMb: server.rssMb,
      heapUsedMb: heap.used,
      heapAfterGcMb: heap.afterGc,
      cpuPercent: server.cpuPercent,
      step: s,
    });
  }
  await pool.stop();
  const steps = samples.map((x) => x.step);
  const sum = (f: (s: (typeof steps)[number]) => number) => steps.reduce((n, s) => n + f(s), 0);
  const start = samples[0]?.rssMb ?? NaN;
  const end = samples[samples.length - 1]?.rssMb ?? NaN;
  // The first interval's heap still holds the warm-up's one-off allocations (prepared plans, caches).
  const gcStart = samples[0]?.heapAfterGcMb ?? null;
  const gcEnd = samples[samples.length - 1]?.heapAfterGcMb ?? null;
  return {
    scenario: 'soak',
    database,
    workers: o.workers,
    connections: loaded.connect,
    ratePerSec: o.ratePerSec,
    durationSeconds: o.durationSeconds,
    warmUp,
    sent: sum((s) => s.sent),
    acked: sum((s) => s.acked),
    acksLost: sum((s) => s.acksLost),
    notDelivered: sum((s) => s.notDelivered),
    duplicates: sum((s) => s.duplicates),
    clean: steps.every(isClean),
    deliveryP50MedianMs: median(steps.map((s) => s.deliveryMs.p50)),
    deliveryP99WorstMs: Math.max(...steps.map((s) => s.deliveryMs.p99)),
    ackP99WorstMs: Math.max(...steps.map((s) => s.ackMs.p99)),
    rssStartMb: start,
    rssEndMb: end,
    rssGrowthPercent: Math.round(((end - start) / start) * 1000) / 10,
    heapUsedStartMb: samples[0]?.heapUsedMb ?? null,
    heapUsedEndMb: samples[samples.length - 1]?.heapUsedMb ?? null,
    heapAfterGcStartMb: gcStart,
    heapAfterGcEndMb: gcEnd,
    heapAfterGcGrowthPercent: gcStart && gcEnd ? Math.round(((gcEnd - gcStart) / gcStart) * 1000) / 10 : null,
    samples: samples.map(({ step, ...rest }) => ({
      ...rest,
      deliveryP99Ms: step.deliveryMs.p99,
      acksLost: step.acksLost,
      notDelivered: step.notDelivered,
    })),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
