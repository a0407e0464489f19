import { io, type Socket } from 'socket.io-client';
import { summarize } from '../stats.js';
import { must } from '../must.js';
import {
  clientMessageId,
  deliveryKey,
  monotonicMs,
  parseClientMessageId,
  type ClientSpec,
  type ConnectResult,
  type Receipts,
  type SendResult,
  type WorkerCommand,
  type WorkerReply,
  type WorkerRequest,
} from './wire.js';

/**
 * A load worker, forked by load/pool.ts: holds its share of the sockets, sends its share of
 * an open-loop schedule and records what its sockets receive. Exits with its parent.
 */
const worker = Number(process.env.BENCH_WORKER ?? 0);
const sockets: Socket[] = [];
const senders: { socket: Socket; conversationId: string }[] = [];
let disconnected = 0;
const receipts = new Map<number, Receipts & { seen: Set<number> }>();
/** Steps already handed to the bench: a receipt for one of them came too late to count. */
const collected = new Set<number>();
let late = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function receiptsOf(step: number) {
  let r = receipts.get(step);
  if (!r) receipts.set(step, (r = { keys: [], deliveryMs: [], duplicates: 0, seen: new Set() }));
  return r;
}

function onMessage(m: { clientMessageId?: string }, recipient: number) {
  const at = monotonicMs();
  const parsed = typeof m?.clientMessageId === 'string' ? parseClientMessageId(m.clientMessageId) : null;
  if (!parsed) return;
  if (collected.has(parsed.step)) return void late++;
  const r = receiptsOf(parsed.step);
  const key = deliveryKey(parsed.key, recipient);
  if (r.seen.has(key)) return void r.duplicates++;
  r.seen.add(key);
  r.keys.push(key);
  r.deliveryMs.push(at - parsed.scheduledMs);
}

function open(url: string, spec: ClientSpec): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(url, {
      transports: ['websocket'],
      auth: spec.auth,
      reconnection: false,
      forceNew: true,
      timeout: 30_000,
    });
    s.once('connect', () => {
      s.off('connect_error');
      resolve(s);
    });
    s.once('connect_error', (err) => {
      s.close();
      reject(err);
    });
  });
}

async function connect(cmd: Extract<WorkerCommand, { type: 'connect' }>): Promise<ConnectResult> {
  const t0 = performance.now();
  const errors = new Set<string>();
  let failed = 0;
  const pending: Promise<void>[] = [];
  for (const [i, spec] of cmd.clients.entries()) {
    // A steady ramp: client i of this worker opens at startAt + i / perSecond.
    const wait = cmd.startAt + (i * 1000) / cmd.perSecond - monotonicMs();
    if (wait > 0) await sleep(wait);
    pending.push(
      open(must(cmd.urls[spec.server], `server ${spec.server}'s URL`), spec).then(
        (s) => {
          sockets.push(s);
          s.on('disconnect', () => void disconnected++);
          const recipient = spec.recipient ?? 0;
          if (spec.receives) s.on('chat:message', (m: { clientMessageId?: string }) => onMessage(m, recipient));
          if (spec.conversationId) senders.push({ socket: s, conversationId: spec.conversationId });
        },
        (err: Error) => {
          failed++;
          if (errors.size < 5) errors.add(err.message);
        },
      ),
    );
  }
  await Promise.all(pending);
  return { connected: sockets.length, failed, errors: [...errors], ms: Math.round(performance.now() - t0) };
}

async function send(cmd: Extract<WorkerCommand, { type: 'send' }>): Promise<SendResult> {
  if (cmd.ratePerSec === 0)
    return { sent: 0, failed: [], errors: {}, ackMs: [], lastAckAt: 0, sendLagMs: { p99: 0, max: 0 }, cpuPercent: 0 };
  if (senders.length === 0) throw new Error('this worker has no senders');
  const interval = 1000 / cmd.ratePerSec;
  const end = cmd.startAt + cmd.durationMs;
  const failed: number[] = [];
  const errors: Record<string, number> = {};
  const ackMs: number[] = [];
  const lag: number[] = [];
  let lastAckAt = 0;
  const acks: Promise<void>[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = monotonicMs();
  let k = 0;
  for (;;) {
    const scheduled = cmd.startAt + (cmd.offset + k * cmd.stride) * interval;
    if (scheduled >= end) break;
    // Never early: a timer fires at or after its time, and lateness counts against the run.
    const wait = scheduled - monotonicMs();
    if (wait > 0) await sleep(wait);
    const sender = must(senders[Math.floor(Math.random() * senders.length)], 'a connected sender');
    const n = k++;
    lag.push(monotonicMs() - scheduled);
    const payload = {
      conversationId: sender.conversationId,
      clientMessageId: clientMessageId(cmd.step, worker, n, scheduled),
      content: `load message ${n}`,
    };
    acks.push(
      sender.socket
        .timeout(cmd.ackTimeoutMs)
        .emitWithAck('chat:message', payload)
        .then(
          (a: { ok?: boolean; error?: { code?: string } }) => {
            if (a?.ok) {
              lastAckAt = monotonicMs();
              return void ackMs.push(lastAckAt - scheduled);
            }
            failed.push(n);
            const code = a?.error?.code ?? 'NO_OK';
            errors[code] = (errors[code] ?? 0) + 1;
          },
          () => {
            failed.push(n);
            errors.TIMEOUT = (errors.TIMEOUT ?? 0) + 1;
          },
        ),
    );
  }
  const sendingMs = monotonicMs() - t0;
  const cpu = process.cpuUsage(cpu0);
  await Promise.all(acks);
  const l = summarize(lag);
  return {
    sent: k,
    failed,
    errors,
    ackMs,
    lastAckAt,
    sendLagMs: { p99: l.p99, max: l.max },
    cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / sendingMs) * 1000) / 10,
  };
}

async function handle(cmd: WorkerCommand): Promise<unknown> {
  switch (cmd.type) {
    case 'connect':
      return connect(cmd);
    case 'held':
      return { held: sockets.filter((s) => s.connected).length, disconnected };
    case 'send':
      return send(cmd);
    case 'count':
      return receipts.get(cmd.step)?.keys.length ?? 0;
    case 'collect': {
      const r = receiptsOf(cmd.step);
      receipts.delete(cmd.step);
      collected.add(cmd.step);
      const out: Receipts & { late: number } = {
        keys: r.keys,
        deliveryMs: r.deliveryMs,
        duplicates: r.duplicates,
        late,
      };
      return out;
    }
  }
}

/** Answers the bench over the IPC channel `fork` opened (a worker started otherwise has no one to answer). */
function reply(r: WorkerReply): void {
  if (!process.send) throw new Error('the load worker runs only under fork: it has no IPC channel');
  process.send(r);
}

process.on('message', (req: WorkerRequest) => {
  handle(req).then(
    (result) => reply({ id: req.id, ok: true, result }),
    (err: unknown) => reply({ id: req.id, ok: false, error: (err as Error)?.message ?? String(err) }),
  );
});
// The bench went away (finished, crashed or killed): so do this worker and its sockets.
process.on('disconnect', () => process.exit(0));
