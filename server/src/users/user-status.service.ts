import type { User, UserStatus } from '@carechat/protocol';
import { revokeUserSessions } from '../auth/sessions.store.js';
import type { Deps } from '../context.js';
import type { Tx } from '../db/pool.js';
import type { Notifier } from '../realtime/notifier.js';
import { toUser, type UserRow } from './users.store.js';

/**
 * Blocking or deleting a person takes effect at once: inside the transaction their sessions
 * are revoked; after commit their sockets are told and disconnected.
 */
export class UserStatusEffects {
  constructor(
    private readonly deps: Deps,
    private readonly notifier: Notifier,
  ) {}

  /** Call inside the transaction that wrote the users. */
  async revokeInactive(tx: Tx, users: UserRow[]): Promise<string[]> {
    const ended = users.filter((u) => u.status !== 'active').map((u) => u.id);
    await revokeUserSessions(tx, ended);
    return ended;
  }

  /** Call after commit. */
  disconnect(users: { id: string; status: UserStatus }[]): void {
    for (const u of users) if (u.status !== 'active') this.notifier.endUser(u.id, u.status === 'blocked' ? 'blocked' : 'deleted');
  }

  present(u: UserRow): User {
    return toUser(u);
  }
}
