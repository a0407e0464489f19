import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { attachmentsScenario } from './attachments.js';
import { attacksScenario } from './attacks.js';
import { baselineScenario, pgbenchScenario, RELAY_TARGETS } from './baseline.js';
import { stopAll, stopAllOnSignals } from './cleanup.js';
import { clusterScenario } from './cluster.js';
import { connectionsScenario } from './connections.js';
import { latencyScenario } from './latency.js';
import { BASELINE_RATES, DEFAULT_RATES } from './load/steps.js';
import { Options } from './options.js';
import { pagingScenario } from './paging.js';
import { formatTable } from './report.js';
import { remindersScenario } from './reminders.js';
import { searchScenario } from './search.js';
import { freePort, startServer } from './server.js';
import { soakScenario } from './soak.js';
import { throughputScenario } from './throughput.js';
import { webScenario } from './web.js';
// The same real clamd the server's tests start, with their test signatures.
import { startClamd, type Clamd } from '../../server/src/test/clamd.js';

// `npm run bench -- <scenario> [--json] [--connections N] [--rates 500,1000] ...`: see README.md.
const [scenario = 'latency', ...flags] = process.argv.slice(2);
const o = new Options(flags);
const workers = () => o.number('workers', 2);

/** CLAMD_URL's clamd when set (left running afterwards), else one started for this run. */
async function benchClamd(): Promise<Clamd> {
  const given = process.env.CLAMD_URL;
  if (given) return { url: given, stop: async () => undefined };
  return startClamd(path.join(process.cwd(), '.bench-clamd'));
}

const scenarios: Record<string, () => Promise<Record<string, unknown> & { scenario: string }>> = {
  latency: async () => latencyScenario(await startServer(), { pairs: 50, perPair: 40, ratePerSec: 200 }),
  web: async () => {
    // The widget's host page: another site (localhost) than the server's 127.0.0.1.
    const hostPort = await freePort();
    const server = await startServer({
      DEMO_SEED: 'true',
      LOGIN_MAX_FAILURES_PER_IP: '1000',
      EMBED_ORIGINS: `http://localhost:${hostPort}`,
    });
    return webScenario(server, hostPort, o.number('rounds', 8));
  },
  attachments: async () => {
    const clamd = await benchClamd();
    try {
      return await attachmentsScenario(await startServer({ CLAMD_URL: clamd.url }));
    } finally {
      await stopAll(); // the server before its clamd
      await clamd.stop();
    }
  },
  // The server with its default budgets and caps (but the victim's sends a minute), with a
  // clamd for the photo attacks.
  attacks: async () => {
    const clamd = await benchClamd();
    try {
      const server = await startServer({
        CLAMD_URL: clamd.url,
        SOCKET_EVENTS_PER_10S: '200',
        USER_SENDS_PER_MINUTE: '100000',
        ANONYMOUS_CONNECTIONS_PER_IP: '128',
        LOG_LEVEL: 'error',
      });
      return await attacksScenario(server, { phaseSeconds: o.number('phase-seconds', 15) });
    } finally {
      await stopAll();
      await clamd.stop();
    }
  },
  connections: () =>
    connectionsScenario({
      connections: o.number('connections', 10_000),
      workers: workers(),
      holdSeconds: o.number('hold-seconds', 10),
    }),
  throughput: () =>
    throughputScenario({
      connections: o.number('connections', 10_000),
      workers: workers(),
      team: o.count('team', 0),
      rates: o.numbers('rates', DEFAULT_RATES),
      stepSeconds: o.number('step-seconds', 10),
    }),
  soak: () =>
    soakScenario({
      connections: o.number('connections', 10_000),
      workers: workers(),
      ratePerSec: o.number('rate', 500),
      durationSeconds: o.number('duration-seconds', 600),
    }),
  cluster: () =>
    clusterScenario({
      connections: o.number('connections', 20_000),
      workers: workers(),
      servers: o.number('servers', 2),
      rates: o.numbers('rates', DEFAULT_RATES),
      stepSeconds: o.number('step-seconds', 10),
    }),
  paging: () => pagingScenario({ messages: o.number('messages', 1_000_000), requests: o.number('requests', 200) }),
  search: () => searchScenario({ messages: o.number('messages', 10_000), requests: o.number('requests', 50) }),
  reminders: () =>
    remindersScenario({
      patients: o.number('patients', 10_000),
      doctors: o.number('doctors', 50),
      smsEvery: o.number('sms-every', 10),
      sweepSeconds: o.number('sweep-seconds', 5),
      afterMinutes: o.number('after-minutes', 1),
    }),
  pgbench: () => pgbenchScenario({ clients: o.number('pgbench-clients', 8), seconds: o.number('pgbench-seconds', 10) }),
  baseline: () =>
    baselineScenario({
      connections: o.number('connections', 10_000),
      workers: workers(),
      rates: o.numbers('rates', BASELINE_RATES),
      stepSeconds: o.number('step-seconds', 10),
      pgbenchClients: o.number('pgbench-clients', 8),
      pgbenchSeconds: o.number('pgbench-seconds', 10),
      relayTo: o.choice('relay-to', RELAY_TARGETS, 'participants'),
    }),
};

async function main() {
  const runScenario = scenarios[scenario];
  if (!runScenario) throw new Error(`unknown scenario "${scenario}"; available: ${Object.keys(scenarios).join(', ')}`);
  stopAllOnSignals();
  let result;
  try {
    result = { ...(await runScenario()), at: new Date().toISOString(), node: process.version };
  } finally {
    await stopAll();
  }
  await mkdir(new URL('../results/', import.meta.url), { recursive: true });
  await writeFile(new URL(`../results/${scenario}.json`, import.meta.url), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(o.json ? JSON.stringify(result) + '\n' : formatTable(result) + '\n');
}

main().catch(async (err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).message}\n`);
  await stopAll();
  process.exit(1);
});
