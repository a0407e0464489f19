import { startCarechatLoad, type LoadOptions } from './load/carechat.js';
import { isClean } from './load/pool.js';
import { progress } from './load/steps.js';

const INTERVAL_S = 10;

/**
 * Heap in use from the server's /metrics (prom-client's default metrics), when it has them.
 * Not heap after GC: that needs a server endpoint that collects first (see README).
 */
async function heapUsedMb(url: string): Promise<number | null> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const v = /^(?:carechat_process_)?nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1];
    return v === undefined ? null : Math.round(Number(v) / 104857.6) / 10;
  } catch {
    return null;
  }
}

/**
 * A steady rate for a long time, in 10 s intervals: the server's RSS at the end of each,
 * to find leaks. RSS is not heap after GC; that needs a server endpoint (see README).
 */
export async function soakScenario(o: LoadOptions & { ratePerSec: number; durationSeconds: number }) {
  const { database, servers, loaded } = await startCarechatLoad(o);
  const { pool, meters } = loaded;
  const warmUp = await pool.step({ ratePerSec: Math.min(200, o.ratePerSec), durationMs: 2000, meters });
  const samples = [];
  for (let done = 0; done < o.durationSeconds; done += INTERVAL_S) {
    const s = await pool.step({ ratePerSec: o.ratePerSec, durationMs: Math.min(INTERVAL_S, o.durationSeconds - done) * 1000, meters });
    progress(`soak ${done + INTERVAL_S} s`, s);
    const heap = await heapUsedMb(servers[0]!.url);
    samples.push({ atSeconds: Math.min(done + INTERVAL_S, o.durationSeconds), rssMb: s.servers[0]!.rssMb, heapUsedMb: heap, cpuPercent: s.servers[0]!.cpuPercent, step: s });
  }
  await pool.stop();
  const steps = samples.map((x) => x.step);
  const sum = (f: (s: (typeof steps)[number]) => number) => steps.reduce((n, s) => n + f(s), 0);
  const start = samples[0]?.rssMb ?? NaN;
  const end = samples[samples.length - 1]?.rssMb ?? NaN;
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
    // TODO(#6): heap after GC needs a server endpoint that runs a GC before it measures.
    heapAfterGc: null,
    samples: samples.map(({ step, ...rest }) => ({ ...rest, deliveryP99Ms: step.deliveryMs.p99, acksLost: step.acksLost, notDelivered: step.notDelivered })),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
