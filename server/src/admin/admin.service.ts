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

  /** Exempts a conversation from retention, or lifts that. */
  async setLegalHold(actor: Actor, conversationId: string, hold: boolean): Promise<{ id: string; legalHold: boolean }> {
    const { rowCount } = await this.deps.db.query('UPDATE conversations SET legal_hold = $2 WHERE id = $1', [conversationId, hold]);
    if (!rowCount) throw notFound('No such conversation');
    await audit(this.deps.db, actor, { action: hold ? 'admin.legal_hold.set' : 'admin.legal_hold.lift', outcome: 'success', conversationId });
    return { id: conversationId, legalHold: hold };
  }

  /**
   * Crypto-shredding: destroys the conversation's data key, so its messages and files cannot
   * be decrypted anywhere again, backups included. Rows stay, unreadable. Refused on legal hold.
   */
  async shred(actor: Actor, conversationId: string): Promise<{ id: string; shreddedAt: string }> {
    const { rows } = await this.deps.db.query<{ legal_hold: boolean; shredded_at: Date | null }>(
      'SELECT legal_hold, shredded_at FROM conversations WHERE id = $1',
      [conversationId],
    );
    if (!rows[0]) throw notFound('No such conversation');
    if (rows[0].legal_hold) throw forbidden('This conversation is on legal hold');
    const { rows: done } = await this.deps.db.query<{ shredded_at: Date }>(
      'UPDATE conversations SET wrapped_key = NULL, shredded_at = COALESCE(shredded_at, now()) WHERE id = $1 RETURNING shredded_at',
      [conversationId],
    );
    this.deps.keyring.forget(conversationId);
    await audit(this.deps.db, actor, { action: 'admin.conversation.shred', outcome: 'success', conversationId });
    return { id: conversationId, shreddedAt: done[0]!.shredded_at.toISOString() };
  }

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
    await this.statusEffects.tellPeers([user.id]);
    return toUser(user);
  }
}
