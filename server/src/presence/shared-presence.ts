import type { RedisLink } from '../redis/redis-link.js';

const HEARTBEAT_MS = 5000;
/** A process that has not beaten for this long is gone: its devices no longer count. */
const LIVE_MS = 15_000;

/**
 * Changes one process's device count for a user and returns the user's device count over all
 * live processes before and after, atomically, so exactly one process sees a user come
 * online (0 → n) or go offline (n → 0) however their devices come and go. A process changing
 * its own count is alive by definition: it beats first (ARGV[6]).
 */
const CHANGE = `
if ARGV[6] ~= '' then redis.call('ZADD', KEYS[2], ARGV[6], ARGV[1]) end
local function live_total()
  local total = 0
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    local beat = redis.call('ZSCORE', KEYS[2], all[i])
    if beat and tonumber(beat) >= tonumber(ARGV[4]) then total = total + tonumber(all[i + 1]) end
  end
  return total
end
local before = live_total()
local n
if ARGV[2] == 'incr' then
  n = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[3])
else
  n = tonumber(ARGV[3])
  if n > 0 then redis.call('HSET', KEYS[1], ARGV[1], n) end
end
if n <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('SREM', KEYS[3], ARGV[5])
else
  redis.call('SADD', KEYS[3], ARGV[5])
end
return {before, live_total()}
`;

export interface Transition {
  before: number;
  after: number;
}

/**
 * Device counts per user and process in Redis: a hash per user (field: process id), a set of
 * users per process (to clean up after a process that died), and a sorted set of process
 * heartbeats. Counts of a process that stopped beating are ignored at once and reaped by the
 * first live process to notice.
 */
export class SharedPresence {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly link: RedisLink,
    readonly serverId: string,
  ) {}

  get usable(): boolean {
    return this.link.isHealthy;
  }

  /** Beats now and every few seconds; `onDead` gets each dead process's users to re-check. */
  start(onDeadUsers: (serverId: string, userIds: string[]) => Promise<void>): void {
    const tick = async () => {
      if (!this.usable) return;
      await this.beat();
      for (const dead of await this.deadServers()) await this.reap(dead, onDeadUsers);
    };
    this.timer = setInterval(() => void tick().catch(() => undefined), HEARTBEAT_MS);
    this.timer.unref();
    void tick().catch(() => undefined);
  }

  async beat(): Promise<void> {
    await this.link.client.zAdd(this.link.key('presence:servers'), { score: Date.now(), value: this.serverId });
  }

  async change(userId: string, mode: 'incr' | 'set', n: number, serverId = this.serverId): Promise<Transition> {
    const [before, after] = (await this.link.client.eval(CHANGE, {
      keys: [this.userKey(userId), this.link.key('presence:servers'), this.serverUsersKey(serverId)],
      arguments: [
        serverId,
        mode,
        String(n),
        String(Date.now() - LIVE_MS),
        userId,
        serverId === this.serverId ? String(Date.now()) : '',
      ],
    })) as [number, number];
    return { before, after };
  }

  /** Users this process has counts for in Redis (after an outage, some may have left). */
  async usersCounted(): Promise<string[]> {
    return this.link.client.sMembers(this.serverUsersKey(this.serverId));
  }

  async onlineAmong(userIds: string[]): Promise<Set<string>> {
    const online = new Set<string>();
    if (userIds.length === 0) return online;
    const live = new Set(
      await this.link.client.zRangeByScore(this.link.key('presence:servers'), Date.now() - LIVE_MS, '+inf'),
    );
    const counts = await Promise.all(
      userIds.map(async (id) => ({ id, byServer: await this.link.client.hGetAll(this.userKey(id)) })),
    );
    for (const { id, byServer } of counts)
      for (const [server, n] of Object.entries(byServer)) if (live.has(server) && Number(n) > 0) online.add(id);
    return online;
  }

  /** The user's devices on every live process. */
  async deviceCount(userId: string): Promise<number> {
    const [live, counts] = await Promise.all([
      this.link.client.zRangeByScore(this.link.key('presence:servers'), Date.now() - LIVE_MS, '+inf'),
      this.link.client.hGetAll(this.userKey(userId)),
    ]);
    const alive = new Set(live);
    return Object.entries(counts).reduce(
      (sum, [server, n]) => sum + (alive.has(server) ? Math.max(0, Number(n)) : 0),
      0,
    );
  }

  /** Leaves cleanly: this process's counts go (its sockets are gone by now). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (!this.usable) return;
    for (const userId of await this.usersCounted()) await this.change(userId, 'set', 0);
    await this.link.client.zRem(this.link.key('presence:servers'), this.serverId);
    await this.link.client.del(this.serverUsersKey(this.serverId));
  }

  private async deadServers(): Promise<string[]> {
    const ids = await this.link.client.zRangeByScore(this.link.key('presence:servers'), 0, Date.now() - LIVE_MS);
    return ids.filter((id) => id !== this.serverId);
  }

  private async reap(dead: string, onDeadUsers: (serverId: string, userIds: string[]) => Promise<void>): Promise<void> {
    const claimed = await this.link.client.set(this.link.key(`presence:reap:${dead}`), this.serverId, {
      condition: 'NX',
      expiration: { type: 'PX', value: 60_000 },
    });
    if (claimed !== 'OK') return;
    const users = await this.link.client.sMembers(this.serverUsersKey(dead));
    await onDeadUsers(dead, users);
    await this.link.client.del(this.serverUsersKey(dead));
    await this.link.client.zRem(this.link.key('presence:servers'), dead);
  }

  private userKey(userId: string): string {
    return this.link.key(`presence:user:${userId}`);
  }

  private serverUsersKey(serverId: string): string {
    return this.link.key(`presence:server:${serverId}`);
  }
}
