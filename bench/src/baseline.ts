import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deferStop, trackChild } from './cleanup.js';
import { openBenchDatabase } from './database.js';
import { startCarechatLoad } from './load/carechat.js';
import { relayClients } from './load/layout.js';
import { provisionPairs } from './load/provision.js';
import { connectLoad } from './load/session.js';
import { runSteps } from './load/steps.js';
import { runPgbench } from './pgbench.js';
import { startServer } from './server.js';

const RELAY = fileURLToPath(new URL('./baseline-relay.ts', import.meta.url));

/** The bare relay as its own process (baseline-relay.ts). */
export async function startRelay(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = trackChild(fork(RELAY, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
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
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop };
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
 * The same harness, rates and connection count against the bare relay and then the real
 * server, in one run, and the send transaction in pgbench: every figure with its floor.
 */
export async function baselineScenario(o: { connections: number; workers: number; rates: number[]; stepSeconds: number; pgbenchClients: number; pgbenchSeconds: number }) {
  const relay = await startRelay();
  const relayLoad = await connectLoad({ urls: [relay.url], pids: [relay.pid], clients: relayClients(Math.max(1, Math.floor(o.connections / 2)), o.workers) });
  const relaySteps = await runSteps(relayLoad, { rates: o.rates, stepSeconds: o.stepSeconds, label: 'relay' });
  await relayLoad.pool.stop();
  await relay.stop();

  const { database, databaseUrl, servers, loaded } = await startCarechatLoad(o);
  const steps = await runSteps(loaded, { rates: o.rates, stepSeconds: o.stepSeconds, label: 'carechat' });
  await loaded.pool.stop();
  const pgPairs = await provisionPairs(servers[0]!, o.pgbenchClients, { conversations: true });
  for (const s of servers) await s.stop();
  const pgbench = await runPgbench(databaseUrl, pgPairs, { clients: o.pgbenchClients, seconds: o.pgbenchSeconds });

  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? Math.round((a / b) * 100) / 100 : null);
  const byRate = steps.steps.map((s) => {
    const r = relaySteps.steps.find((x) => x.targetRatePerSec === s.targetRatePerSec);
    return { ratePerSec: s.targetRatePerSec, carechatP99Ms: s.deliveryMs.p99, relayP99Ms: r?.deliveryMs.p99 ?? null, carechatP50Ms: s.deliveryMs.p50, relayP50Ms: r?.deliveryMs.p50 ?? null };
  });
  return {
    scenario: 'baseline',
    database,
    workers: o.workers,
    relay: { connections: relayLoad.connect, ...relaySteps },
    carechat: { connections: loaded.connect, ...steps },
    pgbench,
    byRate,
    maxRateRatioP99Under100ms: ratio(steps.maxRateP99Under100ms, relaySteps.maxRateP99Under100ms),
    kbPerConnectionRatio: ratio(loaded.connect.kbPerConnection, relayLoad.connect.kbPerConnection),
  };
}
