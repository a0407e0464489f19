import { openBenchDatabase } from '../database.js';
import { newSecrets, startServer, type BenchServer } from '../server.js';
import { pairClients } from './layout.js';
import { provisionPairs } from './provision.js';
import { connectLoad, type Loaded } from './session.js';

export interface LoadOptions {
  /** Devices in all: patients, doctors and care-team members, one connection each. */
  connections: number;
  /** Care-team members (STAFF) per doctor, each connected and receiving every message; 0 by default. */
  team?: number;
  workers: number;
  /** Server processes sharing the database (and Redis, through `env`). */
  servers?: number;
  env?: Record<string, string>;
  /** A database made for the caller (the smoke test); else BENCH_DATABASE_URL or an embedded one. */
  databaseUrl?: string;
  settleMs?: number;
  nodeArgs?: string[];
}

export interface CarechatLoad {
  /** Where the database came from (BENCH_DATABASE_URL, embedded, given). */
  database: string;
  databaseUrl: string;
  /** At least one: the first is the one pairs are provisioned through. */
  servers: [BenchServer, ...BenchServer[]];
  loaded: Loaded;
  /** Patient–doctor pairs (conversations). */
  pairs: number;
}

/**
 * The real server (one process or several on one database), `connections / (2 + team)`
 * patient–doctor pairs (each doctor with `team` STAFF members) with a conversation each,
 * provisioned through the integration API, and every participant connected from the load
 * workers: the total connections stay about `connections` whatever the team.
 */
export async function startCarechatLoad(o: LoadOptions): Promise<CarechatLoad> {
  const db = o.databaseUrl ? { url: o.databaseUrl, source: 'given' } : await openBenchDatabase();
  const secrets = newSecrets();
  const start = () => startServer(o.env ?? {}, { databaseUrl: db.url, secrets, nodeArgs: o.nodeArgs });
  // One after the other: the first applies the migrations under its advisory lock.
  const servers: [BenchServer, ...BenchServer[]] = [await start()];
  while (servers.length < (o.servers ?? 1)) servers.push(await start());
  const t0 = performance.now();
  const team = o.team ?? 0;
  const pairCount = Math.max(1, Math.floor(o.connections / (2 + team)));
  const pairs = await provisionPairs(servers[0], pairCount, { conversations: true, team });
  process.stderr.write(
    `  provisioned ${pairs.length} pairs${team ? ` with teams of ${team}` : ''} and conversations ` +
      `in ${Math.round(performance.now() - t0)} ms\n`,
  );
  const loaded = await connectLoad({
    urls: servers.map((s) => s.url),
    pids: servers.map((s) => s.pid),
    clients: pairClients(pairs, o.workers, servers.length),
    settleMs: o.settleMs,
  });
  const c = loaded.connect;
  process.stderr.write(
    `  connected ${c.connected}/${c.requested} in ${c.rampSeconds} s, ${c.kbPerConnection} KB per connection\n`,
  );
  if (c.failed > 0) process.stderr.write(`  connect errors: ${c.errors.join('; ')}\n`);
  return { database: db.source, databaseUrl: db.url, servers, loaded, pairs: pairs.length };
}
