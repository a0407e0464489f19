import { openBenchDatabase } from './database.js';
import { pairClients } from './load/layout.js';
import { provisionPairs } from './load/provision.js';
import { connectLoad } from './load/session.js';
import { startServer } from './server.js';
import { must } from './must.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * N authenticated idle connections (patients and doctors, no conversations; N rounded up to
 * an even number) ramped at about
 * 500/s: are they all held after `holdSeconds`, and what does each cost the server in RSS?
 */
export async function connectionsScenario(o: { connections: number; workers: number; holdSeconds: number }) {
  const db = await openBenchDatabase();
  const server = await startServer({}, { databaseUrl: db.url });
  const pairs = await provisionPairs(server, Math.ceil(o.connections / 2), { conversations: false });
  const { pool, meters, connect } = await connectLoad({
    urls: [server.url],
    pids: [server.pid],
    clients: pairClients(pairs, o.workers),
    settleMs: 5000,
  });
  await sleep(o.holdSeconds * 1000);
  const after = await pool.held();
  const idle = must(meters[0], "the server's meter").sample();
  return {
    scenario: 'connections',
    database: db.source,
    workers: o.workers,
    ...connect,
    holdSeconds: o.holdSeconds,
    heldAfterHold: after.held,
    allHeldAfterHold: after.held === connect.requested,
    disconnected: after.disconnected,
    serverIdleCpuPercent: idle.cpuPercent,
    serverRssEndMb: idle.rssMb,
  };
}
