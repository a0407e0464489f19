/** The IPC between the bench process and its load workers (load/worker.ts). */

/** One socket a worker opens. */
export interface ClientSpec {
  /** Index into the run's server URLs. */
  server: number;
  /** socket.io's handshake `auth`: a token for CareChat, rooms for the bare relay. */
  auth: Record<string, unknown>;
  /** A sender's conversation (patients). */
  conversationId?: string;
  /** Counts `chat:message` receipts (doctors, care-team members). */
  receives: boolean;
  /**
   * Which receiver of its conversation this is (0 the doctor, 1… its care-team members; 0 when
   * left out): a delivery is counted, and a duplicate found, per message and recipient.
   */
  recipient?: number;
}

export type WorkerCommand =
  | { type: 'connect'; urls: string[]; clients: ClientSpec[]; perSecond: number; startAt: number }
  | { type: 'held' }
  /**
   * Open loop: message k of this worker is due at startAt + (offset + k·stride) / rate, so
   * `stride` workers with offsets 0..stride-1 together send at `ratePerSec`. Rate 0: this
   * worker holds no senders and sits the step out.
   */
  | {
      type: 'send';
      step: number;
      ratePerSec: number;
      startAt: number;
      durationMs: number;
      offset: number;
      stride: number;
      ackTimeoutMs: number;
    }
  | { type: 'count'; step: number }
  | { type: 'collect'; step: number };

export interface ConnectResult {
  connected: number;
  failed: number;
  /** The first few distinct connect errors. */
  errors: string[];
  ms: number;
}

export interface SendResult {
  sent: number;
  /** Message numbers (k) whose ack failed or timed out. */
  failed: number[];
  /** Failures by error code ('TIMEOUT' for no ack in time). */
  errors: Record<string, number>;
  /** Scheduled send → ack, ms, for every successful ack. */
  ackMs: number[];
  /** When the last successful ack came (monotonic ms). */
  lastAckAt: number;
  /** How late the worker itself sent, ms past the scheduled time (the generator's own lag). */
  sendLagMs: { p99: number; max: number };
  /** This worker's CPU during the step, % of one core. */
  cpuPercent: number;
}

export interface Receipts {
  /** Delivery keys (see deliveryKey) of the messages received, each recipient's first receipt only. */
  keys: number[];
  /** Scheduled send → receipt, ms. */
  deliveryMs: number[];
  duplicates: number;
}

export type WorkerRequest = WorkerCommand & { id: number };
export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export const KEY_BASE = 1e8;
/** Above the largest care team (MAX_CARE_TEAM, 50) plus the doctor; key · 64 stays a safe integer. */
const RECIPIENT_BASE = 64;

/** One message (its key, worker · 1e8 + k) reaching one of its recipients. */
export const deliveryKey = (key: number, recipient: number) => key * RECIPIENT_BASE + recipient;

/** Milliseconds on CLOCK_MONOTONIC, which every process on the machine shares. */
export const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;

/** `b.<step>.<worker>.<k>.<scheduled µs>`: the receiver reads its latency and key from the id. */
export const clientMessageId = (step: number, worker: number, k: number, scheduledMs: number) =>
  `b.${step}.${worker}.${k}.${Math.round(scheduledMs * 1000)}`;

export function parseClientMessageId(id: string): { step: number; key: number; scheduledMs: number } | null {
  const [b, step, worker, k, us] = id.split('.');
  if (b !== 'b' || us === undefined) return null;
  return { step: Number(step), key: Number(worker) * KEY_BASE + Number(k), scheduledMs: Number(us) / 1000 };
}
