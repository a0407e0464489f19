import type { User, UserStatus } from '@carechat/protocol';
import { revokeUserSessions } from '../auth/sessions.store.js';
import type { Deps } from '../context.js';
import type { Tx } from '../db/pool.js';
import type { Notifier } from '../realtime/notifier.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import { conversationsOfUsers } from '../conversations/conversations.store.js';
import { toUser, type UserRow } from './users.store.js';

/**
 * Blocking or deleting a person takes effect at once: inside the transaction their sessions
 * are revoked; after commit their sockets are told and disconnected.
 */
export class UserStatusEffects {
  constructor(
    private readonly deps: Deps,
    private readonly notifier: Notifier,
    private readonly conversations: ConversationsService,
  ) {}

  /** Call inside the transaction that wrote the users. */
  async revokeInactive(tx: Tx, users: UserRow[]): Promise<string[]> {
    const ended = users.filter((u) => u.status !== 'active').map((u) => u.id);
    await revokeUserSessions(tx, ended);
    return ended;
  }

  /** Call after commit. */
  disconnect(users: { id: string; status: UserStatus }[]): void {
    for (const u of users)
      if (u.status !== 'active') this.notifier.endUser(u.id, u.status === 'blocked' ? 'blocked' : 'deleted');
  }

  /**
   * Call after commit: the people who talk with someone blocked, unblocked or deleted see
   * `canMessage` (or, for a care-team member, `careTeam`) change at once instead of at their next send.
   */
  async tellPeers(userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    const changed = new Set(userIds);
    const convs = await conversationsOfUsers(this.deps.db, userIds);
    await this.conversations.notifyUpdatedMany(
      convs.map((c) => ({
        conversationId: c.id,
        userIds: c.member_ids.filter((id) => !changed.has(id)),
      })),
    );
  }

  present(u: UserRow): User {
    return toUser(u);
  }
}
