import { createHash, randomBytes } from 'node:crypto';
import type { RedisLink } from '../redis/redis-link.js';

/** One guess: a password (or second factor) at sign-in, or a code tried while signed in. */
export interface SignInAttempt {
  /** The account guessed at: the email, or `totp:<user id>` for a code tried from a session. */
  account: string;
  /** Where the guess comes from: the client's address, or the session a code is tried from. */
  source: string;
  /** The device signed in to this account before (a known-device cookie): the wide limits let it through. */
  knownDevice: boolean;
}

/**
 * Sign-in failures in a sliding window, counted three ways so that guessing is slowed without
 * letting anyone lock a person out:
 * - per account and source: the hard limit. Guesses at one account from one address stop
 *   there; the owner signing in from anywhere else is not held back by them.
 * - per account, across sources: a much higher ceiling against guessing spread over many
 *   addresses. A device the account signed in on before is exempt, so the owner still gets in.
 * - per source, across accounts: against one address trying many accounts. High enough for a
 *   hospital's NAT, counting failures only, and again a known device is exempt.
 * An attempt takes a place (`tryBegin`) before its password is checked and holds it until it
 * ends: a check takes tens of milliseconds, so without this a burst of parallel guesses would
 * all pass.
 */
export interface LoginLimiter {
  /** Null when a limit that applies to this attempt is reached; else the release for its place. */
  tryBegin(attempt: SignInAttempt): Promise<(() => void) | null>;
  recordFailure(attempt: SignInAttempt): Promise<void>;
  /** Clears the failures of this account from this source (others' guesses stay counted). */
  recordSuccess(attempt: SignInAttempt): Promise<void>;
}

export interface LimiterSettings {
  windowMs: number;
  maxPerAccountAndSource: number;
  maxPerAccount: number;
  maxPerSource: number;
}

const accountHash = (account: string) => createHash('sha256').update(account).digest('hex').slice(0, 32);

/** The counter of this account from this source: the one a success clears. */
const accountAndSourceKey = (a: SignInAttempt) => `p:${accountHash(a.account)}:${a.source}`;

/** The counters an attempt touches, each with the limit that holds it back (0: none). */
function countersOf(a: SignInAttempt, s: LimiterSettings): { key: string; limit: number }[] {
  return [
    { key: accountAndSourceKey(a), limit: s.maxPerAccountAndSource },
    { key: `a:${accountHash(a.account)}`, limit: a.knownDevice ? 0 : s.maxPerAccount },
    { key: `i:${a.source}`, limit: a.knownDevice ? 0 : s.maxPerSource },
  ];
}

/** One process's counts: used alone without Redis, and while Redis is unreachable. */
export class MemoryLoginLimiter implements LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly pending = new Map<string, number>();

  constructor(private readonly s: LimiterSettings) {}

  async tryBegin(attempt: SignInAttempt): Promise<(() => void) | null> {
    const now = Date.now();
    const counters = countersOf(attempt, this.s);
    if (counters.some((c) => c.limit > 0 && this.count(c.key, now) >= c.limit)) return null;
    for (const { key } of counters) this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    return once(() => {
      for (const { key } of counters) {
        const left = (this.pending.get(key) ?? 1) - 1;
        if (left > 0) this.pending.set(key, left);
        else this.pending.delete(key);
      }
    });
  }

  async recordFailure(attempt: SignInAttempt): Promise<void> {
    const now = Date.now();
    for (const { key } of countersOf(attempt, this.s)) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
    if (this.failures.size > 100_000) this.prune(now);
  }

  async recordSuccess(attempt: SignInAttempt): Promise<void> {
    this.failures.delete(accountAndSourceKey(attempt));
  }

  private count(key: string, now: number): number {
    return this.recent(key, now).length + (this.pending.get(key) ?? 0);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < this.s.windowMs);
  }

  private prune(now: number): void {
    for (const [key, list] of this.failures)
      if (list.every((t) => now - t >= this.s.windowMs)) this.failures.delete(key);
  }
}

// Checks every limit and takes a place for the attempt in one step, so parallel attempts on
// different processes cannot all slip under a limit. KEYS: the failure sets, then as many
// pending counters; ARGV: now, window, then each set's limit (0: not checked).
const TRY_BEGIN = `
local n = #KEYS / 2
local cutoff = tonumber(ARGV[1]) - tonumber(ARGV[2])
for k = 1, n do
  redis.call('ZREMRANGEBYSCORE', KEYS[k], '-inf', cutoff)
  local limit = tonumber(ARGV[2 + k])
  local pending = math.max(0, tonumber(redis.call('GET', KEYS[n + k]) or '0'))
  if limit > 0 and redis.call('ZCARD', KEYS[k]) + pending >= limit then return 0 end
end
for k = n + 1, 2 * n do
  redis.call('INCR', KEYS[k])
  redis.call('PEXPIRE', KEYS[k], 60000)
end
return 1
`;

const RELEASE = `
for k = 1, #KEYS do
  if tonumber(redis.call('GET', KEYS[k]) or '0') > 0 then redis.call('DECR', KEYS[k]) end
end
return 1
`;

/**
 * Counts shared by every process through Redis. Keys carry a hash of the account (an email),
 * not the account. While Redis is unreachable each process falls back to its own counts.
 */
export class RedisLoginLimiter implements LoginLimiter {
  private readonly local: MemoryLoginLimiter;

  constructor(
    private readonly link: RedisLink,
    private readonly s: LimiterSettings,
  ) {
    this.local = new MemoryLoginLimiter(s);
  }

  async tryBegin(attempt: SignInAttempt): Promise<(() => void) | null> {
    const counters = countersOf(attempt, this.s);
    const pending = counters.map((c) => this.link.key(`login:pending:${c.key}`));
    try {
      if (!this.link.isHealthy) throw new Error('redis unavailable');
      const ok = await this.link.client.eval(TRY_BEGIN, {
        keys: [...counters.map((c) => this.link.key(`login:fail:${c.key}`)), ...pending],
        arguments: [String(Date.now()), String(this.s.windowMs), ...counters.map((c) => String(c.limit))],
      });
      if (ok !== 1) return null;
      return once(() => void this.link.client.eval(RELEASE, { keys: pending }).catch(() => undefined));
    } catch {
      return this.local.tryBegin(attempt);
    }
  }

  async recordFailure(attempt: SignInAttempt): Promise<void> {
    await this.local.recordFailure(attempt);
    if (!this.link.isHealthy) return;
    const now = Date.now();
    const member = `${now}:${randomBytes(4).toString('hex')}`;
    await Promise.all(
      countersOf(attempt, this.s).map(async ({ key }) => {
        const set = this.link.key(`login:fail:${key}`);
        await this.link.client.zAdd(set, { score: now, value: member });
        await this.link.client.pExpire(set, this.s.windowMs);
      }),
    ).catch(() => undefined);
  }

  async recordSuccess(attempt: SignInAttempt): Promise<void> {
    await this.local.recordSuccess(attempt);
    if (!this.link.isHealthy) return;
    await this.link.client.del(this.link.key(`login:fail:${accountAndSourceKey(attempt)}`)).catch(() => undefined);
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
