import type { Deps } from '../context.js';
import type { Notifier } from '../realtime/notifier.js';
import { setLastSeen } from '../users/users.store.js';
import { peerIds } from '../conversations/conversations.store.js';

/**
 * Who is online: a user is online while any of their devices is connected. Counts live in
 * this process (shared through Redis in issue #6); lastSeenAt is written when the last
 * device leaves.
 */
export class Presence {
  private readonly devices = new Map<string, number>();

  constructor(
    private readonly deps: Deps,
    private readonly notifier: Notifier,
  ) {}

  isOnline(userId: string): boolean {
    return (this.devices.get(userId) ?? 0) > 0;
  }

  async connected(userId: string): Promise<void> {
    const n = (this.devices.get(userId) ?? 0) + 1;
    this.devices.set(userId, n);
    if (n === 1) await this.announce(userId, true, null);
  }

  async disconnected(userId: string): Promise<void> {
    const n = (this.devices.get(userId) ?? 1) - 1;
    if (n > 0) {
      this.devices.set(userId, n);
      return;
    }
    this.devices.delete(userId);
    const at = new Date();
    await setLastSeen(this.deps.db, userId, at);
    await this.announce(userId, false, at.toISOString());
  }

  private async announce(userId: string, online: boolean, lastSeenAt: string | null): Promise<void> {
    const peers = await peerIds(this.deps.db, userId);
    // A reconnect and the departure before it can overtake each other while they wait on the
    // database: say only what is still true, so the last word peers hear is the current state.
    if (this.isOnline(userId) !== online) return;
    this.notifier.toUsers(peers, 'presence:update', { userId, online, lastSeenAt });
  }
}
