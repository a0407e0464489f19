import type { attacksScenario } from './attacks.js';
import type { attachmentsScenario } from './attachments.js';
import type { baselineScenario, pgbenchScenario } from './baseline.js';
import type { clusterScenario } from './cluster.js';
import type { connectionsScenario } from './connections.js';
import type { latencyScenario } from './latency.js';
import type { StepResult } from './load/pool.js';
import type { ConnectReport } from './load/session.js';
import type { StepsReport } from './load/steps.js';
import type { pagingScenario } from './paging.js';
import type { remindersScenario } from './reminders.js';
import type { soakScenario } from './soak.js';
import type { throughputScenario } from './throughput.js';
import type { webScenario } from './web.js';

type Result<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
type Stats = { p50: number; p95: number; p99: number; max: number };

const row = (name: string, s: Stats) =>
  `${name.padEnd(10)} p50 ${s.p50} ms  p95 ${s.p95} ms  p99 ${s.p99} ms  max ${s.max} ms`;
/** A bundle's gzipped size against its budget. */
const size = (name: string, bytes: number, budget: number, what: string) =>
  `${name}: ${(bytes / 1024).toFixed(1)} KB gzipped (${what}), ${bytes < budget ? 'within' : 'OVER'} ` +
  `the ${budget / 1024} KB budget`;
/** A growth in percent with its sign, or '?' when unknown. */
const signedPercent = (p: number | null) => (p === null ? '?' : `${p >= 0 ? '+' : ''}${p}%`);
const table = (rows: (string | number)[][]) => {
  const width = (column: number) => Math.max(...rows.map((r) => String(r[column]).length));
  const widths = (rows[0] ?? []).map((_, i) => width(i));
  return rows.map((r) => r.map((c, i) => String(c).padStart(widths[i] ?? 0)).join('  ')).join('\n');
};

function connectLine(c: ConnectReport): string {
  return (
    `connections: ${c.connected}/${c.requested} in ${c.rampSeconds} s (failed ${c.failed}), held ${c.held}; ` +
    `server RSS ${c.serverRssBeforeMb} → ${c.serverRssAfterMb} MB, ${c.kbPerConnection} KB per connection` +
    (c.errors.length ? `\n  connect errors: ${c.errors.join('; ')}` : '')
  );
}

function stepsTable(steps: StepResult[]): string {
  // With a care team each message has several recipients: their deliveries per second beside the messages.
  const team = steps.some((s) => s.recipients > 1);
  return table([
    [
      'rate/s',
      'achieved',
      ...(team ? ['deliveries/s'] : []),
      'delivery p50',
      'p95',
      'p99',
      'max',
      'ack p50',
      'ack p99',
      'acks lost',
      'undelivered',
      'dups',
      'server CPU %',
      'RSS MB',
      'send lag p99',
    ],
    ...steps.map((s) => [
      s.targetRatePerSec,
      s.achievedRatePerSec,
      ...(team ? [s.deliveriesPerSec] : []),
      s.deliveryMs.p50,
      s.deliveryMs.p95,
      s.deliveryMs.p99,
      s.deliveryMs.max,
      s.ackMs.p50,
      s.ackMs.p99,
      s.acksLost,
      s.notDelivered,
      s.duplicates,
      s.servers.map((x) => x.cpuPercent).join('+'),
      s.servers.map((x) => x.rssMb).join('+'),
      s.generator.sendLagP99Ms,
    ]),
  ]);
}

function stepsSummary(r: StepsReport): string {
  const at = (v: number | null) => (v === null ? 'none' : `${r.limitedBySteps ? '≥ ' : ''}${v}/s`);
  return [
    stepsTable(r.steps),
    `max rate with nothing lost: p99 < 100 ms ${at(r.maxRateP99Under100ms)}, p99 < 25 ms ${at(r.maxRateP99Under25ms)}` +
      (r.stoppedBecause ? ` (stopped: ${r.stoppedBecause})` : ''),
  ].join('\n');
}

const formatters: Record<string, (r: never) => string> = {
  latency: (r: Result<typeof latencyScenario>) =>
    [
      `latency: ${r.pairs} pairs, ${r.messages} messages at ${r.achievedRatePerSec}/s (target ${r.targetRatePerSec}/s)`,
      row('ack', r.ackMs),
      row('delivery', r.deliveryMs),
      `failed acks ${r.acksFailed}, not delivered ${r.notDelivered}, duplicates ${r.duplicates}`,
    ].join('\n'),
  web: (r: Result<typeof webScenario>) =>
    [
      `web: ${r.rounds} rounds`,
      row('app: sign-in → first screen', r.signInToFirstScreenMs),
      row('widget: carechat:auth → carechat:signed-in', r.widgetAuthToSignedInMs),
      row('widget: carechat:auth → conversation list', r.widgetAuthToListMs),
      `widget first screen p95 ${r.widgetAuthToListMs.p95 < r.widgetBudgetMs ? 'within' : 'OVER'} ` +
        `the ${r.widgetBudgetMs} ms budget`,
      size('@carechat/client', r.clientGzippedBytes, r.clientBudgetBytes, 'without socket.io-client'),
      size(
        '@carechat/react',
        r.kitGzippedBytes.total,
        r.kitBudgetBytes,
        'script and styles, without react or the client',
      ),
    ].join('\n'),
  reminders: (r: Result<typeof remindersScenario>) =>
    [
      `reminders: ${r.patients} patients of ${r.doctors} doctors, each with an unread message ` +
        `(${r.expected.email} e-mails and ${r.expected.sms} SMS due; seeded in ${r.seedSeconds} s)`,
      `received ${r.received.email} e-mails and ${r.received.sms} SMS; ${r.checks.missing} missing, ` +
        `${r.checks.duplicated} duplicated, ${r.checks.strangers} to unknown addresses, ` +
        `${r.checks.withMessageText} with the message's text`,
      `from the server's start: ready ${r.serverReadySeconds} s, first ${r.secondsToFirst} s, ` +
        `all ${r.secondsToAll} s (sweep every ${r.sweepSeconds} s)`,
      `per minute: average ${r.perMinute.average}, peak 60 s ${r.perMinute.peak60s}, ` +
        `peak 10 s × 6 ${r.perMinute.peak10sTimes6}`,
      `server CPU ${r.serverCpuSeconds} s, peak RSS ${r.serverPeakRssMb} MB; ` +
        `PostgreSQL CPU ${r.postgresCpuSeconds ?? '?'} s`,
      `outbox: ${r.outbox.map((o) => `${o.outcome ?? 'unsettled'} ${o.n} (retried ${o.retried})`).join(', ')}; ` +
        `queued over ${Math.max(...r.outbox.map((o) => o.queuedSpanMs))} ms`,
    ].join('\n'),
  attachments: (r: Result<typeof attachmentsScenario>) =>
    [
      `attachments: ${r.rounds} rounds of ${r.fileBytes} bytes`,
      row('upload', r.uploadMs),
      row('download', r.downloadMs),
    ].join('\n'),
  connections: (r: Result<typeof connectionsScenario>) =>
    [
      connectLine(r),
      `after ${r.holdSeconds} s idle: ${r.heldAfterHold} held (${r.allHeldAfterHold ? 'all' : 'NOT all'}), ` +
        `${r.disconnected} disconnected; ` +
        `server idle CPU ${r.serverIdleCpuPercent}%, RSS ${r.serverRssEndMb} MB`,
    ].join('\n'),
  throughput: (r: Result<typeof throughputScenario>) =>
    [
      ...(r.team
        ? [
            `${r.pairs} conversations, each with a patient, a doctor and a care team of ${r.team}: ` +
              `every message delivered to ${r.team + 1} recipients (latency and losses over all of them)`,
          ]
        : []),
      connectLine(r.connections),
      stepsSummary(r),
    ].join('\n'),
  cluster: (r: Result<typeof clusterScenario>) =>
    [`${r.servers} server processes, Redis: ${r.redis}`, connectLine(r.connections), stepsSummary(r), r.hint ?? '']
      .filter(Boolean)
      .join('\n'),
  soak: (r: Result<typeof soakScenario>) =>
    [
      connectLine(r.connections),
      `soak: ${r.durationSeconds} s at ${r.ratePerSec}/s, sent ${r.sent}, acks lost ${r.acksLost}, ` +
        `undelivered ${r.notDelivered}, duplicates ${r.duplicates}`,
      `delivery p50 (median of 10 s intervals) ${r.deliveryP50MedianMs} ms, ` +
        `worst interval p99 ${r.deliveryP99WorstMs} ms; worst ack p99 ${r.ackP99WorstMs} ms`,
      `server RSS ${r.rssStartMb} → ${r.rssEndMb} MB (${signedPercent(r.rssGrowthPercent)}); ` +
        `heap after GC ${r.heapAfterGcStartMb ?? '?'} → ${r.heapAfterGcEndMb ?? '?'} MB ` +
        `(${signedPercent(r.heapAfterGcGrowthPercent)})`,
      table([
        ['at s', 'RSS MB', 'heap MB', 'after GC MB', 'CPU %', 'p99 ms'],
        ...r.samples.map((s) => [
          s.atSeconds,
          s.rssMb,
          s.heapUsedMb ?? '-',
          s.heapAfterGcMb ?? '-',
          s.cpuPercent,
          s.deliveryP99Ms,
        ]),
      ]),
    ].join('\n'),
  paging: (r: Result<typeof pagingScenario>) =>
    [
      `paging: pages of ${r.pageSize} from ${r.messages} messages (loaded in ${r.loadSeconds} s), ` +
        `${r.requestsPerPosition} reads each`,
      ...Object.entries(r.pageMs).map(([k, s]) => row(k, s)),
    ].join('\n'),
  pgbench: (r: Result<typeof pgbenchScenario>) => pgbenchLine(r),
  baseline: (r: Result<typeof baselineScenario>) =>
    [
      `bare Socket.IO relay, sending to the ${r.relayTo === 'peer' ? 'peer alone' : 'participants'}:`,
      connectLine(r.relay.connections),
      stepsSummary(r.relay),
      'CareChat:',
      connectLine(r.carechat.connections),
      stepsSummary(r.carechat),
      `max rate ratio (p99 < 100 ms): ${r.maxRateRatioP99Under100ms ?? 'n/a'}×; ` +
        `KB per connection ratio: ${r.kbPerConnectionRatio ?? 'n/a'}×`,
      table([
        ['rate/s', 'CareChat p50', 'relay p50', 'CareChat p99', 'relay p99'],
        ...r.byRate.map((b) => [
          b.ratePerSec,
          b.carechatP50Ms,
          b.relayP50Ms ?? '-',
          b.carechatP99Ms,
          b.relayP99Ms ?? '-',
        ]),
      ]),
      pgbenchLine(r.pgbench),
    ].join('\n'),
  attacks: (r: Result<typeof attacksScenario>) =>
    [
      `another person's send round trip (${r.victimRatePerSec}/s, ${r.phaseSeconds} s a phase) ` +
        'with each attack running:',
      table([
        [
          'attack',
          'p50 ms',
          'p99 ms',
          'max ms',
          'failed',
          'server peak RSS MB',
          'attack requests',
          'refused connections',
        ],
        ...r.phases.map((p) => [
          p.phase,
          p.sendMs.p50,
          p.sendMs.p99,
          p.sendMs.max,
          p.failed,
          p.serverPeakRssMb ?? '-',
          (p as { attackRequests?: number }).attackRequests ?? '-',
          (p as { attackRefusedConnections?: number }).attackRefusedConnections ?? '-',
        ]),
      ]),
    ].join('\n'),
};

function pgbenchLine(r: {
  skipped?: string;
  commitsPerSec?: number;
  clients?: number;
  seconds?: number;
  latencyAverageMs?: number;
  fsync?: string;
  failed?: number;
}): string {
  if (r.skipped) return `pgbench: skipped (${r.skipped})`;
  return (
    `pgbench (send transaction): ${r.commitsPerSec} commits/s, ${r.clients} clients, ${r.seconds} s, ` +
    `latency average ${r.latencyAverageMs} ms, fsync ${r.fsync}, failed ${r.failed}`
  );
}

export function formatTable(r: Record<string, unknown> & { scenario: string }): string {
  const format = formatters[r.scenario];
  return format ? (format as (x: unknown) => string)(r) : JSON.stringify(r, null, 2);
}
