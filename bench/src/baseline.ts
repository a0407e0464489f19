import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deferStop, trackChild } from './cleanup.js';
import { openBenchDatabase } from './database.js';
import { startCarechatLoad } from './load/carechat.js';
import { relayClients } from './load/layout.js';
import { provisionPairs } from './load/provision.js';
import { connectLoad } from './load/session.js';
import { Stepper } from './load/steps.js';
import { runPgbench } from './pgbench.js';
import { machineQuiet } from './proc.js';
import { must } from './must.js';
import { startServer } from './server.js';

const RELAY = fileURLToPath(new URL('./baseline-relay.ts', import.meta.url));

/**
 * Whom the relay sends a message to: both participants, as the protocol does (the default),
 * or the peer alone, the relay's shape before 2026-12-03, kept to compare with older figures.
 */
export const RELAY_TARGETS = ['participants', 'peer'] as const;
export type RelayTarget = (typeof RELAY_TARGETS)[number];

/** The bare relay as its own process (baseline-relay.ts). */
export async function startRelay(
  to: RelayTarget = 'participants',
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = trackChild(
    fork(RELAY, [to], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const stop = deferStop(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the relay exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: must(child.pid, "the relay's pid"), stop };
}

/** The send transaction alone in PostgreSQL, on conversations opened through the real server. */
export async function pgbenchScenario(o: { clients: number; seconds: number }) {
  const db = await openBenchDatabase();
  const server = await startServer({}, { databaseUrl: db.url });
  const pairs = await provisionPairs(server, o.clients, { conversations: true });
  await server.stop(); // the machine's cores are PostgreSQL's alone
  return { scenario: 'pgbench', database: db.source, ...(await runPgbench(db.url, pairs, o)) };
}

/**
 * The same harness, rates and connection count against the bare relay and the real server,
 * in one run, and the send transaction in pgbench: every figure with its floor. Both are
 * connected at once and take each rate in turn, relay then CareChat, so a slow spell of the
 * machine (its speed drifts by half over minutes) lands on both rather than on one.
 */
export async function baselineScenario(o: {
  connections: number;
  workers: number;
  rates: number[];
  stepSeconds: number;
  pgbenchClients: number;
  pgbenchSeconds: number;
  relayTo: RelayTarget;
}) {
  const relay = await startRelay(o.relayTo);
  const relayLoad = await connectLoad({
    urls: [relay.url],
    pids: [relay.pid],
    clients: relayClients(Math.max(1, Math.floor(o.connections / 2)), o.workers),
  });
  const { database, databaseUrl, servers, loaded } = await startCarechatLoad(o);

  const relaySteps = new Stepper(relayLoad, { rates: o.rates, stepSeconds: o.stepSeconds, label: 'relay' });
  const carechatSteps = new Stepper(loaded, { rates: o.rates, stepSeconds: o.stepSeconds, label: 'carechat' });
  await relaySteps.warm();
  await carechatSteps.warm();
  for (const rate of o.rates) {
    const going = [relaySteps, carechatSteps].filter((s) => !s.stoppedBecause);
    if (going.length === 0) break;
    for (const stepper of going) {
      await machineQuiet();
      await stepper.step(rate);
    }
  }
  await relayLoad.pool.stop();
  await relay.stop();
  await loaded.pool.stop();
  const steps = carechatSteps.report();
  const relayReport = relaySteps.report();
  const pgPairs = await provisionPairs(servers[0], o.pgbenchClients, { conversations: true });
  for (const s of servers) await s.stop();
  const pgbench = await runPgbench(databaseUrl, pgPairs, { clients: o.pgbenchClients, seconds: o.pgbenchSeconds });

  const ratio = (a: number | null, b: number | null) =>
    a !== null && b !== null && b > 0 ? Math.round((a / b) * 100) / 100 : null;
  const byRate = steps.steps.map((s) => {
    const r = relayReport.steps.find((x) => x.targetRatePerSec === s.targetRatePerSec);
    return {
      ratePerSec: s.targetRatePerSec,
      carechatP99Ms: s.deliveryMs.p99,
      relayP99Ms: r?.deliveryMs.p99 ?? null,
      carechatP50Ms: s.deliveryMs.p50,
      relayP50Ms: r?.deliveryMs.p50 ?? null,
    };
  });
  return {
    scenario: 'baseline',
    database,
    workers: o.workers,
    relayTo: o.relayTo,
    relay: { connections: relayLoad.connect, ...relayReport },
    carechat: { connections: loaded.connect, ...steps },
    pgbench,
    byRate,
    maxRateRatioP99Under100ms: ratio(steps.maxRateP99Under100ms, relayReport.maxRateP99Under100ms),
    kbPerConnectionRatio: ratio(loaded.connect.kbPerConnection, relayLoad.connect.kbPerConnection),
  };
}
