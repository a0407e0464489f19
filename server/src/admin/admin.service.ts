import type { User } from '@carechat/protocol';
import { audit } from '../audit/audit.js';
import type { Actor, Deps } from '../context.js';
import { withTransaction } from '../db/pool.js';
import { forbidden, notFound } from '../errors.js';
import type { UserStatusEffects } from '../users/user-status.service.js';
import { setUserStatus, toUser } from '../users/users.store.js';

export class AdminService {
  constructor(
    private readonly deps: Deps,
    private readonly statusEffects: UserStatusEffects,
  ) {}

  async setBlocked(actor: Actor, userId: string, blocked: boolean): Promise<User> {
    if (userId === actor.id) throw forbidden('Admins cannot block themselves');
    const user = await withTransaction(this.deps.db, async (tx) => {
      const row = await setUserStatus(tx, userId, blocked ? 'blocked' : 'active');
      if (!row) throw notFound('No such user');
      await this.statusEffects.revokeInactive(tx, [row]);
      await audit(tx, actor, { action: blocked ? 'admin.user.block' : 'admin.user.unblock', outcome: 'success', targetId: userId });
      return row;
    });
    this.statusEffects.disconnect([user]);
    return toUser(user);
  }
}
