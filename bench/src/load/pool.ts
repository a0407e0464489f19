import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deferStop, trackChild } from '../cleanup.js';
import { must } from '../must.js';
import type { ProcessMeter } from '../proc.js';
import { summarize } from '../stats.js';
import {
  deliveryKey,
  KEY_BASE,
  monotonicMs,
  type ClientSpec,
  type ConnectResult,
  type Receipts,
  type SendResult,
  type WorkerCommand,
  type WorkerReply,
} from './wire.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface StepResult {
  targetRatePerSec: number;
  /** Successful acks per second, from the first scheduled send to the last ack. */
  achievedRatePerSec: number;
  sent: number;
  acked: number;
  acksLost: number;
  ackErrors: Record<string, number>;
  /** Receivers of each message: the doctor and its care team's members (1 without a team). */
  recipients: number;
  /** First receipts, over every recipient, and their rate over the same window as `achievedRatePerSec`. */
  deliveries: number;
  deliveriesPerSec: number;
  /** Deliveries missing: one per acked message and recipient that never received it. */
  notDelivered: number;
  /** A recipient receiving one message twice. */
  duplicates: number;
  ackMs: ReturnType<typeof summarize>;
  /** Scheduled send → receipt, over every delivery (all recipients). */
  deliveryMs: ReturnType<typeof summarize>;
  /** Per server process: RSS at the end of the step, CPU during it (% of one core). */
  servers: { rssMb: number; cpuPercent: number }[];
  /** The load workers: CPU each, and how late they sent (ms past schedule). */
  generator: { cpuPercent: number[]; sendLagP99Ms: number; sendLagMaxMs: number };
}

/** Nothing lost, duplicated or undelivered. */
export const isClean = (s: StepResult) => s.acksLost === 0 && s.notDelivered === 0 && s.duplicates === 0;

/**
 * Load worker processes (load/worker.ts), each holding a share of the sockets: one Node
 * process cannot generate the load of 10,000+ connections well on its own.
 */
export class LoadPool {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private steps = 0;
  /** Workers holding at least one sender; the schedule is interleaved over these. */
  private senders: number[] = [];
  /** Receivers of each message (the doctor and the care team), from the clients connected. */
  private recipients = 1;
  readonly stop: () => Promise<void>;

  private constructor(private readonly workers: ChildProcess[]) {
    for (const w of workers) {
      w.on('message', (reply: WorkerReply) => {
        const p = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (reply.ok) p?.resolve(reply.result);
        else p?.reject(new Error(`load worker: ${reply.error}`));
      });
      w.once('exit', (code, signal) => {
        for (const p of this.pending.values()) p.reject(new Error(`a load worker exited (${code ?? signal})`));
        this.pending.clear();
      });
    }
    this.stop = deferStop(async () => {
      await Promise.all(
        workers.map((w) => {
          if (w.exitCode !== null || w.signalCode !== null) return;
          const exited = new Promise((r) => w.once('exit', r));
          w.kill('SIGKILL');
          return exited;
        }),
      );
      // Let the server see the disconnects before anything stops it.
      await new Promise((r) => setTimeout(r, 500));
    });
  }

  static async start(count: number): Promise<LoadPool> {
    const workers = Array.from({ length: count }, (_, i) =>
      trackChild(
        fork(WORKER, [], {
          execArgv: ['--import', 'tsx'],
          env: { ...process.env, BENCH_WORKER: String(i) },
          serialization: 'advanced',
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        }),
      ),
    );
    await Promise.all(
      workers.map((w) => new Promise((resolve, reject) => w.once('spawn', resolve).once('error', reject))),
    );
    return new LoadPool(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  pids(): number[] {
    return this.workers.map((w) => must(w.pid, "a load worker's pid"));
  }

  private request<T>(worker: number, cmd: WorkerCommand): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      must(this.workers[worker], `load worker ${worker}`).send({ ...cmd, id });
    });
  }

  private all<T>(cmd: (worker: number) => WorkerCommand): Promise<T[]> {
    return Promise.all(this.workers.map((_, i) => this.request<T>(i, cmd(i))));
  }

  /** Opens every worker's clients, ramping at `perSecond` in total. */
  async connect(urls: string[], clients: ClientSpec[][], perSecond = 500) {
    const startAt = monotonicMs() + 100;
    this.senders = clients.flatMap((c, w) => (c.some((x) => x.conversationId) ? [w] : []));
    this.recipients = clients.flat().reduce((n, x) => (x.receives ? Math.max(n, (x.recipient ?? 0) + 1) : n), 1);
    const results = await this.all<ConnectResult>((w) => ({
      type: 'connect',
      urls,
      clients: clients[w] ?? [],
      perSecond: perSecond / this.size,
      startAt,
    }));
    return {
      connected: results.reduce((n, r) => n + r.connected, 0),
      failed: results.reduce((n, r) => n + r.failed, 0),
      errors: [...new Set(results.flatMap((r) => r.errors))],
      seconds: Math.max(...results.map((r) => r.ms)) / 1000,
    };
  }

  async held(): Promise<{ held: number; disconnected: number }> {
    const r = await this.all<{ held: number; disconnected: number }>(() => ({ type: 'held' }));
    return { held: r.reduce((n, x) => n + x.held, 0), disconnected: r.reduce((n, x) => n + x.disconnected, 0) };
  }

  /**
   * One open-loop step at `ratePerSec` for `durationMs`, then waits (up to `drainMs`) for
   * every acknowledged message to reach its recipient.
   */
  async step(opts: {
    ratePerSec: number;
    durationMs: number;
    meters?: ProcessMeter[];
    ackTimeoutMs?: number;
    drainMs?: number;
  }): Promise<StepResult> {
    const step = this.steps++;
    const startAt = monotonicMs() + 200;
    opts.meters?.forEach((m) => m.sample());
    if (this.senders.length === 0) throw new Error('no client can send');
    const sends = await this.all<SendResult>((w) => ({
      type: 'send',
      step,
      ratePerSec: this.senders.includes(w) ? opts.ratePerSec : 0,
      startAt,
      durationMs: opts.durationMs,
      offset: Math.max(0, this.senders.indexOf(w)),
      stride: this.senders.length,
      ackTimeoutMs: opts.ackTimeoutMs ?? 10_000,
    }));
    const servers = opts.meters?.map((m) => m.sample()) ?? [];
    const recipients = this.recipients;
    const expected = sends.reduce((n, s) => n + s.sent - s.failed.length, 0) * recipients;
    const deadline = Date.now() + (opts.drainMs ?? 5000);
    while (Date.now() < deadline) {
      const counts = await this.all<number>(() => ({ type: 'count', step }));
      if (counts.reduce((a, b) => a + b, 0) >= expected) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const receipts = await this.all<Receipts>(() => ({ type: 'collect', step }));
    const delivered = new Set(receipts.flatMap((r) => r.keys));
    let notDelivered = 0;
    sends.forEach((s, w) => {
      const failed = new Set(s.failed);
      for (let k = 0; k < s.sent; k++) {
        if (failed.has(k)) continue;
        for (let r = 0; r < recipients; r++) if (!delivered.has(deliveryKey(w * KEY_BASE + k, r))) notDelivered++;
      }
    });
    const ackErrors: Record<string, number> = {};
    for (const s of sends)
      for (const [code, n] of Object.entries(s.errors)) ackErrors[code] = (ackErrors[code] ?? 0) + n;
    const sent = sends.reduce((n, s) => n + s.sent, 0);
    const acksLost = sends.reduce((n, s) => n + s.failed.length, 0);
    const ackMs = sends.flatMap((s) => s.ackMs);
    const lastAck = Math.max(startAt + opts.durationMs, ...sends.map((s) => s.lastAckAt));
    const perSec = (n: number) => Math.round((n / (lastAck - startAt)) * 1000);
    return {
      targetRatePerSec: opts.ratePerSec,
      achievedRatePerSec: perSec(ackMs.length),
      sent,
      acked: ackMs.length,
      acksLost,
      ackErrors,
      recipients,
      deliveries: delivered.size,
      deliveriesPerSec: perSec(delivered.size),
      notDelivered,
      duplicates: receipts.reduce((n, r) => n + r.duplicates, 0),
      ackMs: summarize(ackMs),
      deliveryMs: summarize(receipts.flatMap((r) => r.deliveryMs)),
      servers,
      generator: {
        cpuPercent: sends.map((s) => s.cpuPercent),
        sendLagP99Ms: Math.max(...sends.map((s) => s.sendLagMs.p99)),
        sendLagMaxMs: Math.max(...sends.map((s) => s.sendLagMs.max)),
      },
    };
  }
}
