import type { Deps } from '../context.js';
import type { Notifier } from '../realtime/notifier.js';
import { Batcher } from '../db/batcher.js';
import { setLastSeen, setLastSeenMany } from '../users/users.store.js';
import { peerIds, peerIdsOfMany } from '../conversations/conversations.store.js';
import type { SharedPresence } from './shared-presence.js';

/**
 * Who is online: a user is online while any of their devices is connected, on any process.
 * This process counts its own devices; with Redis (`shared`) the counts of every process are
 * combined there, and while Redis is unreachable this process answers from its own counts
 * and puts them back into Redis when it returns (`resync`). lastSeenAt is written when the
 * last device leaves.
 */
export class Presence {
  private readonly devices = new Map<string, number>();
  // Thousands of devices connect or leave together (a deploy, a network blip): their lookups
  // and last-seen writes share round trips.
  private readonly peers: Batcher<string, string[]>;
  private readonly lastSeen: Batcher<{ id: string; at: Date }, void>;

  constructor(
    private readonly deps: Deps,
    private readonly notifier: Notifier,
    private readonly shared: SharedPresence | null = null,
  ) {
    const { db } = deps;
    this.peers = new Batcher(
      (ids) => peerIdsOfMany(db, ids),
      (id) => peerIds(db, id),
      2,
    );
    this.lastSeen = new Batcher(
      async (seen) => {
        await setLastSeenMany(db, seen);
        return seen.map(() => undefined);
      },
      (s) => setLastSeen(db, s.id, s.at),
      2,
    );
  }

  async onlineAmong(userIds: string[]): Promise<Set<string>> {
    // Redis unreachable (or gone mid-call): this process's own knowledge is the best there is.
    return (await this.onlineAmongIfKnown(userIds)) ?? this.onlineHere(userIds);
  }

  /**
   * `onlineAmong` when it can be known for every process; null while Redis is unreachable,
   * when this process sees only its own devices. A caller that leaves out the offline must
   * then leave out no one: fan-out remembers what devices elsewhere missed, but only for
   * events it was given.
   */
  async onlineAmongIfKnown(userIds: string[]): Promise<Set<string> | null> {
    if (!this.shared) return this.onlineHere(userIds);
    if (!this.shared.usable) return null;
    try {
      return await this.shared.onlineAmong(userIds);
    } catch {
      return null;
    }
  }

  private onlineHere(userIds: string[]): Set<string> {
    return new Set(userIds.filter((id) => this.devices.has(id)));
  }

  /**
   * The user's connected devices on every process sharing Redis; null without Redis (or while
   * it is unreachable), when only this process's are known.
   */
  async devicesEverywhere(userId: string): Promise<number | null> {
    if (!this.shared?.usable) return null;
    try {
      return await this.shared.deviceCount(userId);
    } catch {
      return null;
    }
  }

  async isOnline(userId: string): Promise<boolean> {
    return (await this.onlineAmong([userId])).has(userId);
  }

  async connected(userId: string): Promise<void> {
    const n = (this.devices.get(userId) ?? 0) + 1;
    this.devices.set(userId, n);
    const { before, after } = await this.count(userId, 'incr', 1, n);
    if (before === 0 && after > 0) await this.announce(userId, true, null);
  }

  async disconnected(userId: string): Promise<void> {
    const n = (this.devices.get(userId) ?? 1) - 1;
    if (n > 0) this.devices.set(userId, n);
    else this.devices.delete(userId);
    const { before, after } = await this.count(userId, 'incr', -1, n);
    if (before > 0 && after === 0) await this.wentOffline(userId);
  }

  /**
   * After a Redis outage: this process's counts replace what Redis kept for it, and whoever
   * came or went meanwhile is announced to peers on every process.
   */
  async resync(): Promise<void> {
    if (!this.shared?.usable) return;
    await this.shared.beat();
    const users = new Set([...this.devices.keys(), ...(await this.shared.usersCounted())]);
    for (const userId of users) {
      const { before, after } = await this.shared.change(userId, 'set', this.devices.get(userId) ?? 0);
      if (before === 0 && after > 0) await this.announce(userId, true, null);
      if (before > 0 && after === 0) await this.wentOffline(userId);
    }
  }

  /** Starts the heartbeat; the devices of a process that died are taken off by a live one. */
  start(): void {
    const shared = this.shared;
    shared?.start(async (deadServer, userIds) => {
      for (const userId of userIds) {
        const { after } = await shared.change(userId, 'set', 0, deadServer);
        if (after === 0 && !this.devices.has(userId)) await this.wentOffline(userId);
      }
    });
  }

  async stop(): Promise<void> {
    await this.shared?.stop().catch(() => undefined);
  }

  /** The user's device count everywhere before and after this change. */
  private async count(
    userId: string,
    mode: 'incr',
    delta: number,
    local: number,
  ): Promise<{ before: number; after: number }> {
    if (this.shared?.usable) {
      try {
        return await this.shared.change(userId, mode, delta);
      } catch {
        // Counted locally; `resync` puts this process's counts back when Redis returns.
      }
    }
    return { before: local - delta, after: local };
  }

  private async wentOffline(userId: string): Promise<void> {
    const at = new Date();
    await this.lastSeen.run({ id: userId, at });
    await this.announce(userId, false, at.toISOString());
  }

  private async announce(userId: string, online: boolean, lastSeenAt: string | null): Promise<void> {
    const peers = await this.peers.run(userId);
    // A reconnect and the departure before it can overtake each other while they wait on the
    // database: say only what is still true, so the last word peers hear is the current state.
    if ((await this.isOnline(userId)) !== online) return;
    this.notifier.toUsers(peers, 'presence:update', { userId, online, lastSeenAt });
  }
}
