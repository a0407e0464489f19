import { ProcessMeter, readProcess } from '../proc.js';
import { LoadPool } from './pool.js';
import type { ClientSpec } from './wire.js';

export interface ConnectReport {
  requested: number;
  connected: number;
  failed: number;
  errors: string[];
  rampSeconds: number;
  /** Still connected after settling. */
  held: number;
  allHeld: boolean;
  serverRssBeforeMb: number;
  serverRssAfterMb: number;
  /** Server RSS growth over the connections it holds, after settling. */
  kbPerConnection: number;
}

export interface Loaded {
  pool: LoadPool;
  meters: ProcessMeter[];
  connect: ConnectReport;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rssKb = (pids: number[]) => pids.reduce((n, pid) => n + readProcess(pid).rssKb, 0);

/**
 * Starts the load workers and opens every client at `perSecond` (about 500/s, as the budget
 * says), measuring the servers' RSS before and after, each after `settleMs`.
 */
export async function connectLoad(opts: {
  urls: string[];
  pids: number[];
  clients: ClientSpec[][];
  perSecond?: number;
  settleMs?: number;
}): Promise<Loaded> {
  const pool = await LoadPool.start(opts.clients.length);
  const settle = opts.settleMs ?? 3000;
  await sleep(settle);
  const before = rssKb(opts.pids);
  const requested = opts.clients.reduce((n, c) => n + c.length, 0);
  const c = await pool.connect(opts.urls, opts.clients, opts.perSecond ?? 500);
  await sleep(settle);
  const after = rssKb(opts.pids);
  const { held } = await pool.held();
  return {
    pool,
    meters: opts.pids.map((pid) => new ProcessMeter(pid)),
    connect: {
      requested,
      connected: c.connected,
      failed: c.failed,
      errors: c.errors,
      rampSeconds: c.seconds,
      held,
      allHeld: held === requested,
      serverRssBeforeMb: Math.round(before / 102.4) / 10,
      serverRssAfterMb: Math.round(after / 102.4) / 10,
      kbPerConnection: held > 0 ? Math.round(((after - before) / held) * 10) / 10 : NaN,
    },
  };
}
