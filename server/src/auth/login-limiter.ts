import { createHash, randomBytes } from 'node:crypto';
import type { RedisLink } from '../redis/redis-link.js';

/**
 * Counts failed sign-ins per account and per IP in a sliding window. An attempt takes a place
 * (`tryBegin`) before its password is checked and holds it until it ends: a password check
 * takes tens of milliseconds, so without this a burst of parallel guesses would all pass.
 */
export interface LoginLimiter {
  /** Null when the account or IP is over its limit; else the release for the attempt's place. */
  tryBegin(email: string, ip: string): Promise<(() => void) | null>;
  recordFailure(email: string, ip: string): Promise<void>;
  recordSuccess(email: string): Promise<void>;
}

export interface LimiterSettings {
  windowMs: number;
  maxPerAccount: number;
  maxPerIp: number;
}

/** One process's counts: used alone without Redis, and while Redis is unreachable. */
export class MemoryLoginLimiter implements LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly pending = new Map<string, number>();

  constructor(private readonly s: LimiterSettings) {}

  async tryBegin(email: string, ip: string): Promise<(() => void) | null> {
    const now = Date.now();
    if (this.count(`a:${email}`, now) >= this.s.maxPerAccount || this.count(`i:${ip}`, now) >= this.s.maxPerIp) return null;
    const keys = [`a:${email}`, `i:${ip}`];
    for (const key of keys) this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    return once(() => {
      for (const key of keys) {
        const left = (this.pending.get(key) ?? 1) - 1;
        if (left > 0) this.pending.set(key, left);
        else this.pending.delete(key);
      }
    });
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const now = Date.now();
    for (const key of [`a:${email}`, `i:${ip}`]) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
    if (this.failures.size > 100_000) this.prune(now);
  }

  async recordSuccess(email: string): Promise<void> {
    this.failures.delete(`a:${email}`);
  }

  private count(key: string, now: number): number {
    return this.recent(key, now).length + (this.pending.get(key) ?? 0);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < this.s.windowMs);
  }

  private prune(now: number): void {
    for (const [key, list] of this.failures) if (list.every((t) => now - t >= this.s.windowMs)) this.failures.delete(key);
  }
}

// Checks both limits and takes a place for the attempt in one step, so parallel attempts on
// different processes cannot all slip under the limit.
const TRY_BEGIN = `
local cutoff = tonumber(ARGV[1]) - tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', cutoff)
local a = redis.call('ZCARD', KEYS[1]) + math.max(0, tonumber(redis.call('GET', KEYS[3]) or '0'))
local i = redis.call('ZCARD', KEYS[2]) + math.max(0, tonumber(redis.call('GET', KEYS[4]) or '0'))
if a >= tonumber(ARGV[3]) or i >= tonumber(ARGV[4]) then return 0 end
for k = 3, 4 do
  redis.call('INCR', KEYS[k])
  redis.call('PEXPIRE', KEYS[k], 60000)
end
return 1
`;

const RELEASE = `
for k = 1, 2 do
  if tonumber(redis.call('GET', KEYS[k]) or '0') > 0 then redis.call('DECR', KEYS[k]) end
end
return 1
`;

/**
 * Counts shared by every process through Redis. Keys carry a hash of the email, not the
 * email. While Redis is unreachable each process falls back to its own counts.
 */
export class RedisLoginLimiter implements LoginLimiter {
  private readonly local: MemoryLoginLimiter;

  constructor(
    private readonly link: RedisLink,
    private readonly s: LimiterSettings,
  ) {
    this.local = new MemoryLoginLimiter(s);
  }

  async tryBegin(email: string, ip: string): Promise<(() => void) | null> {
    const k = this.keys(email, ip);
    try {
      if (!this.link.isHealthy) throw new Error('redis unavailable');
      const ok = await this.link.client.eval(TRY_BEGIN, {
        keys: [k.failA, k.failI, k.pendA, k.pendI],
        arguments: [String(Date.now()), String(this.s.windowMs), String(this.s.maxPerAccount), String(this.s.maxPerIp)],
      });
      if (ok !== 1) return null;
      return once(() => void this.link.client.eval(RELEASE, { keys: [k.pendA, k.pendI] }).catch(() => undefined));
    } catch {
      return this.local.tryBegin(email, ip);
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await this.local.recordFailure(email, ip);
    if (!this.link.isHealthy) return;
    const k = this.keys(email, ip);
    const now = Date.now();
    const member = `${now}:${randomBytes(4).toString('hex')}`;
    await Promise.all(
      [k.failA, k.failI].map(async (key) => {
        await this.link.client.zAdd(key, { score: now, value: member });
        await this.link.client.pExpire(key, this.s.windowMs);
      }),
    ).catch(() => undefined);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.local.recordSuccess(email);
    if (this.link.isHealthy) await this.link.client.del(this.keys(email, '').failA).catch(() => undefined);
  }

  private keys(email: string, ip: string) {
    const account = createHash('sha256').update(email).digest('hex').slice(0, 32);
    return {
      failA: this.link.key(`login:fail:a:${account}`),
      failI: this.link.key(`login:fail:i:${ip}`),
      pendA: this.link.key(`login:pending:a:${account}`),
      pendI: this.link.key(`login:pending:i:${ip}`),
    };
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
