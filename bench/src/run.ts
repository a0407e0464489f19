import { mkdir, writeFile } from 'node:fs/promises';
import { latencyScenario } from './latency.js';
import { startServer } from './server.js';

// `npm run bench -- <scenario> [--json]`. The full harness (connections, throughput, soak,
// cluster, baselines) is issue #6; `latency` measures delivery between local clients.
const [scenario = 'latency', ...flags] = process.argv.slice(2);
const json = flags.includes('--json');

async function main() {
  if (scenario !== 'latency') throw new Error(`unknown scenario "${scenario}"; available: latency`);
  const server = await startServer();
  try {
    const result = { ...(await latencyScenario(server, { pairs: 50, perPair: 40, ratePerSec: 200 })), at: new Date().toISOString(), node: process.version };
    await mkdir(new URL('../results/', import.meta.url), { recursive: true });
    await writeFile(new URL(`../results/${scenario}.json`, import.meta.url), JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(json ? JSON.stringify(result) + '\n' : formatTable(result) + '\n');
  } finally {
    await server.stop();
  }
}

function formatTable(r: Awaited<ReturnType<typeof latencyScenario>>): string {
  const row = (name: string, s: { p50: number; p95: number; p99: number; max: number }) => `${name.padEnd(10)} p50 ${s.p50} ms  p95 ${s.p95} ms  p99 ${s.p99} ms  max ${s.max} ms`;
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
