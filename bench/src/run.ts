import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { attachmentsScenario } from './attachments.js';
import { latencyScenario } from './latency.js';
import { webScenario } from './web.js';
import { startServer } from './server.js';
// The same real clamd the server's tests start, with their test signatures.
import { startClamd } from '../../server/src/test/clamd.js';

// `npm run bench -- <scenario> [--json]`. The full harness (connections, throughput, soak,
// cluster, baselines) is issue #6; `latency` measures delivery between local clients and
// `attachments` a 10 MiB upload and download.
const [scenario = 'latency', ...flags] = process.argv.slice(2);
const json = flags.includes('--json');

async function main() {
  const scenarios = { latency: runLatency, attachments: runAttachments, web: runWeb } as const;
  const runScenario = scenarios[scenario as keyof typeof scenarios];
  if (!runScenario) throw new Error(`unknown scenario "${scenario}"; available: ${Object.keys(scenarios).join(', ')}`);
  const result = { ...(await runScenario()), at: new Date().toISOString(), node: process.version };
  await mkdir(new URL('../results/', import.meta.url), { recursive: true });
  await writeFile(new URL(`../results/${scenario}.json`, import.meta.url), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(json ? JSON.stringify(result) + '\n' : formatTable(result) + '\n');
}

async function runLatency() {
  const server = await startServer();
  try {
    return await latencyScenario(server, { pairs: 50, perPair: 40, ratePerSec: 200 });
  } finally {
    await server.stop();
  }
}

async function runWeb() {
  const server = await startServer({ DEMO_SEED: 'true', LOGIN_MAX_FAILURES_PER_IP: '1000' });
  try {
    return await webScenario(server);
  } finally {
    await server.stop();
  }
}

async function runAttachments() {
  const clamd = process.env.CLAMD_URL ? null : await startClamd(path.join(process.cwd(), '.bench-clamd'));
  const server = await startServer({ CLAMD_URL: process.env.CLAMD_URL ?? clamd!.url });
  try {
    return await attachmentsScenario(server);
  } finally {
    await server.stop();
    await clamd?.stop();
  }
}

type Stats = { p50: number; p95: number; p99: number; max: number };
const row = (name: string, s: Stats) => `${name.padEnd(10)} p50 ${s.p50} ms  p95 ${s.p95} ms  p99 ${s.p99} ms  max ${s.max} ms`;

function formatTable(r: Record<string, unknown> & { scenario: string }): string {
  if (r.scenario === 'web') {
    const w = r as unknown as Awaited<ReturnType<typeof webScenario>>;
    return row('sign-in → first screen', w.signInToFirstScreenMs);
  }
  if (r.scenario === 'attachments') {
    const a = r as unknown as Awaited<ReturnType<typeof attachmentsScenario>>;
    return [`attachments: ${a.rounds} rounds of ${a.fileBytes} bytes`, row('upload', a.uploadMs), row('download', a.downloadMs)].join('\n');
  }
  const l = r as unknown as Awaited<ReturnType<typeof latencyScenario>>;
  return formatLatency(l);
}

function formatLatency(r: Awaited<ReturnType<typeof latencyScenario>>): string {
  return [
    `latency: ${r.pairs} pairs, ${r.messages} messages at ${r.achievedRatePerSec}/s (target ${r.targetRatePerSec}/s)`,
    row('ack', r.ackMs),
    row('delivery', r.deliveryMs),
    `failed acks ${r.acksFailed}, not delivered ${r.notDelivered}, duplicates ${r.duplicates}`,
  ].join('\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).message}\n`);
  process.exit(1);
});
