import { createHash } from 'node:crypto';
import type { RedisLink } from '../redis/redis-link.js';

const WINDOW_MS = 60_000;
const SYNC_MS = 1000;

// Adds each key's sends (ARGV[i + 1]) and answers every total, in one command however many
// people sent: a key gets its expiry when its minute's first count creates it.
const ADD_AND_READ = `
local totals = {}
for i, key in ipairs(KEYS) do
  local n = tonumber(ARGV[i + 1])
  local total = redis.call('INCRBY', key, n)
  if total == n then redis.call('PEXPIRE', key, ARGV[1]) end
  totals[i] = total
end
return totals
`;

/**
 * How many messages one person may send a minute, counted across their devices, both
 * transports and, with Redis, every process. The per-socket event budget alone let a
 * script open more sockets, or post over HTTP, for more.
 *
 * A send is checked against this process's view, so the hot path never waits for Redis:
 * each second the process adds what its people sent to their shared counts and learns the
 * totals back (one command). Another process's sends are therefore seen up to
 * a second late. While Redis is unreachable each process counts alone.
 */
export class SendBudget {
  private window = windowOf(Date.now());
  /** Sends here in this window not yet added to the shared counts. */
  private pending = new Map<string, number>();
  /** Every process's sends in this window, as Redis last told. */
  private shared = new Map<string, number>();
  private readonly timer: NodeJS.Timeout | null = null;
  /** A sync still waiting on a slow Redis: the next tick skips rather than piles on. */
  private syncing = false;

  constructor(
    private readonly perMinute: number,
    private readonly link: RedisLink | null,
  ) {
    if (link) {
      this.timer = setInterval(() => void this.sync(), SYNC_MS);
      this.timer.unref();
    }
  }

  /** Counts a send by `userId`; false when their minute's budget is spent. */
  take(userId: string): boolean {
    this.roll();
    const here = this.pending.get(userId) ?? 0;
    if ((this.shared.get(userId) ?? 0) + here >= this.perMinute) return false;
    this.pending.set(userId, here + 1);
    return true;
  }

  /**
   * Adds this second's sends to the shared counts and reads back the totals of everyone who
   * sent here this minute, so sends on other processes are seen here too.
   */
  async sync(): Promise<void> {
    this.roll();
    const link = this.link;
    if (this.syncing || !link?.isHealthy || (this.pending.size === 0 && this.shared.size === 0)) return;
    this.syncing = true;
    const window = this.window;
    const batch = [...this.pending];
    this.pending = new Map();
    // Counted as shared while on their way, so sends meanwhile still see them.
    for (const [userId, n] of batch) this.shared.set(userId, (this.shared.get(userId) ?? 0) + n);
    const sent = new Map(batch);
    const users = [...this.shared.keys()];
    try {
      const totals = (await link.client.eval(ADD_AND_READ, {
        keys: users.map((userId) => link.key(sendsKey(window, userId))),
        arguments: [String(WINDOW_MS * 2), ...users.map((userId) => String(sent.get(userId) ?? 0))],
      })) as number[];
      if (window !== this.window) return; // a new minute began meanwhile: these counts are spent
      // Sends here since the batch left are in `pending`, and take() adds those.
      users.forEach((userId, i) => this.shared.set(userId, Number(totals[i])));
    } catch {
      // Not added: count them as this process's again, so they reach Redis with the next sync.
      if (window !== this.window) return;
      for (const [userId, n] of batch) {
        this.shared.set(userId, (this.shared.get(userId) ?? n) - n);
        this.pending.set(userId, (this.pending.get(userId) ?? 0) + n);
      }
    } finally {
      this.syncing = false;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private roll(): void {
    const window = windowOf(Date.now());
    if (window === this.window) return;
    this.window = window;
    this.pending = new Map();
    this.shared = new Map();
  }
}

// User ids are the host platform's and may be record numbers: Redis sees a hash of them.
const sendsKey = (window: number, userId: string) =>
  `sends:${window}:${createHash('sha256').update(userId).digest('base64url').slice(0, 22)}`;

const windowOf = (ms: number) => Math.floor(ms / WINDOW_MS);
