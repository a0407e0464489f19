import {
  isClinician,
  MAX_SAVED_REPLIES,
  type SavedReply,
  type SavedReplyInput,
  type SavedReplyPatch,
} from '@carechat/protocol';
import { insertAuditEvent } from '../audit/audit.store.js';
import type { Actor, Deps } from '../context.js';
import { isUniqueViolation, withTransaction } from '../db/pool.js';
import { AppError, forbidden, notFound } from '../errors.js';
import { findUserById } from '../users/users.store.js';
import * as store from './saved-replies.store.js';

const NOT_YOURS = 'No such saved reply of yours';

/** A name taken in the set: one rule, the database's unique index, read here into CONFLICT. */
function nameTaken(err: unknown, message: string): unknown {
  // 21000: an upsert that met one name twice in the same statement (a set naming it twice).
  const code = (err as { code?: string })?.code;
  return isUniqueViolation(err) || code === '21000' ? new AppError('CONFLICT', message) : err;
}

/**
 * Saved replies: each clinician's own, which they manage, and the shared set, which the host
 * platform manages through the integration API (read-only in the app, so the next replace of
 * the set by the host cannot undo an edit made here). The routes admit clinicians only.
 */
export class SavedRepliesService {
  constructor(private readonly deps: Deps) {}

  list(actor: Actor): Promise<SavedReply[]> {
    return store.listFor(this.deps.db, actor.id);
  }

  async create(actor: Actor, input: SavedReplyInput): Promise<SavedReply> {
    // A soft cap: two creates at once may pass it by one, which harms nothing.
    if ((await store.countOwn(this.deps.db, actor.id)) >= MAX_SAVED_REPLIES)
      throw new AppError('VALIDATION_FAILED', `at most ${MAX_SAVED_REPLIES} saved replies of your own`);
    try {
      return await store.insertOwn(this.deps.db, actor.id, { id: crypto.randomUUID(), ...input });
    } catch (err) {
      throw nameTaken(err, 'name: you already have a saved reply with this name');
    }
  }

  async update(actor: Actor, id: string, patch: SavedReplyPatch): Promise<SavedReply> {
    let updated: SavedReply | null;
    try {
      updated = await store.updateOwn(this.deps.db, actor.id, id, patch);
    } catch (err) {
      throw nameTaken(err, 'name: you already have a saved reply with this name');
    }
    if (!updated) throw await this.notOwn(id);
    return updated;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    if (!(await store.deleteOwn(this.deps.db, actor.id, id))) throw await this.notOwn(id);
  }

  /** Integration: the shared set becomes `replies`. */
  replaceShared(replies: SavedReplyInput[], origin: { ip: string | null }): Promise<SavedReply[]> {
    return this.replace({ scope: 'team' }, replies, origin);
  }

  /** Integration: clinician `userId`'s own set becomes `replies`. */
  async replaceOwn(userId: string, replies: SavedReplyInput[], origin: { ip: string | null }): Promise<SavedReply[]> {
    const user = await findUserById(this.deps.db, userId);
    if (!user) throw notFound('No such user');
    if (!isClinician(user.role)) throw new AppError('VALIDATION_FAILED', 'id: saved replies are for clinicians only');
    return this.replace({ scope: 'personal', ownerId: userId }, replies, origin);
  }

  /** A reply the caller may see but not change (a shared one) is FORBIDDEN; anyone else's is not there. */
  private async notOwn(id: string): Promise<AppError> {
    return (await store.isShared(this.deps.db, id))
      ? forbidden('Shared saved replies are managed by your organisation')
      : notFound(NOT_YOURS);
  }

  private async replace(
    set: store.ReplySet,
    replies: SavedReplyInput[],
    origin: { ip: string | null },
  ): Promise<SavedReply[]> {
    try {
      return await withTransaction(this.deps.db, async (tx) => {
        await store.replaceSet(
          tx,
          set,
          replies.map((r) => ({ id: crypto.randomUUID(), ...r })),
        );
        await insertAuditEvent(tx, {
          actorId: 'service',
          actorRole: 'SERVICE',
          action: 'integration.saved_replies.put',
          outcome: 'success',
          targetId: set.scope === 'personal' ? set.ownerId : null,
          ip: origin.ip,
          // Counts only: a reply's text is the clinician's, and may say anything.
          details: { scope: set.scope, replies: replies.length },
        });
        return store.listSet(tx, set);
      });
    } catch (err) {
      throw nameTaken(err, 'replies: two replies share a name (names are unique whatever their case)');
    }
  }
}
