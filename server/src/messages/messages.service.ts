import { randomUUID } from 'node:crypto';
import {
  EDIT_WINDOW_MS,
  type ChangesQuery,
  type Message,
  type MessagePage,
  type MessagePageQuery,
  type MessageSendInput,
  type MessageVersion,
} from '@carechat/protocol';
import { audit, auditRecord } from '../audit/audit.js';
import type { Actor, Deps } from '../context.js';
import { encryptText, messageAad } from '../crypto/keyring.js';
import { isUniqueViolation, withTransaction } from '../db/pool.js';
import { AppError, forbidden, notFound } from '../errors.js';
import type { Notifier } from '../realtime/notifier.js';
import { assertCanWrite, assertParticipant, dataKeyOf, participantsOf } from '../conversations/access.js';
import { findConversationAccess, type ConversationAccessRow } from '../conversations/conversations.store.js';
import { decryptBody, presentMessage, previewOf } from './messages.present.js';
import * as store from './messages.store.js';
import type { SendBudget } from './send-budget.js';
import { Batcher } from '../db/batcher.js';
import { claimAttachments, deleteMessageAttachments } from '../attachments/attachments.store.js';

export interface SendResult {
  message: Message;
  /** True when the clientMessageId was seen before: the first message, nothing broadcast. */
  duplicate: boolean;
}

/** What MessagesService works with besides the process's Deps, each named for its use. */
export interface MessagesCollaborators {
  notifier: Notifier;
  /** Each person's sends per minute. */
  sendBudget: SendBudget;
  /** Removes stored attachment bytes once the rows saying they are deleted have committed. */
  removeAttachmentFiles: (storageKeys: string[]) => Promise<void>;
  /** Told of each new message after commit (push notifications); must not throw or block. */
  pushNewMessage: (conv: ConversationAccessRow, senderId: string) => void;
  /** Sends these people their fresh view of the conversation (its list row: preview, unread count). */
  refreshConversationRows: (conversationId: string, userIds: string[]) => Promise<void>;
}

export class MessagesService {
  /** Sends under load share round trips: one query for many sends' checks, one statement for their writes. */
  private readonly contexts: Batcher<store.SendKey, store.SendContextRow | null>;
  private readonly sends: Batcher<store.NewMessage, store.SendOutcome>;

  constructor(
    private readonly deps: Deps,
    private readonly uses: MessagesCollaborators,
  ) {
    const db = deps.sendDb;
    const lanes = deps.config.databaseSendLanes;
    this.contexts = new Batcher((keys) => store.findSendContexts(db, keys), (key) => store.findSendContext(db, key), lanes);
    this.sends = new Batcher(
      (rows) => store.sendMessages(db, rows),
      async (row) => (await store.sendMessages(db, [row]))[0]!,
      lanes,
    );
  }

  /**
   * Acked (returned) only after commit; broadcast to both participants after commit. A text
   * send to a conversation whose data key this process holds is one statement, its checks
   * included; otherwise one query reads the key and the checks first.
   */
  async send(actor: Actor, input: MessageSendInput): Promise<SendResult> {
    const { db, keyring } = this.deps;
    if (!this.uses.sendBudget.take(actor.id)) throw new AppError('RATE_LIMITED', 'Too many messages this minute; wait a little and send again');
    const attachmentIds = [...new Set(input.attachmentIds ?? [])];
    let key = attachmentIds.length === 0 ? keyring.cachedDataKey(input.conversationId) : undefined;
    let checked: store.SendContextRow | null = null;
    if (!key) {
      checked = await this.contexts.run({ conversationId: input.conversationId, senderId: actor.id, clientMessageId: input.clientMessageId, replyToId: input.replyToId ?? null });
      const refused = await this.refusal(actor, input, checked);
      if (refused) return refused;
      key = dataKeyOf(keyring, checked!);
    }
    // With a cached key, input.conversationId is the id the key was cached under: the row's own.
    const conversationId = checked?.id ?? input.conversationId;
    const id = randomUUID();
    const body = input.content === undefined ? null : encryptText(key, input.content, messageAad(conversationId, id, 1));
    const row = { id, conversationId, senderId: actor.id, clientMessageId: input.clientMessageId, body, replyToId: input.replyToId ?? null };
    let outcome: store.SendOutcome;
    try {
      if (attachmentIds.length === 0) outcome = await this.sends.run(row);
      else
        outcome = {
          ctx: checked,
          stored: await withTransaction(db, async (tx) => {
            const inserted = await store.insertMessage(tx, row);
            if (inserted && (await claimAttachments(tx, attachmentIds, id, conversationId, actor.id)) !== attachmentIds.length)
              throw new AppError('VALIDATION_FAILED', 'attachmentIds: each must be your own clean, unsent upload to this conversation');
            return inserted;
          }),
        };
    } catch (err) {
      if (!isUniqueViolation(err, 'messages_sender_client_id')) throw err;
      outcome = { ctx: checked, stored: null };
    }
    const { ctx, stored } = outcome;
    if (!stored || !ctx) {
      // Nothing written: say why as a check before the write would have, else it is a retry.
      const refused = await this.refusal(actor, input, ctx);
      if (refused) return refused;
      // A retry raced its original: answer with whichever committed first.
      const first = await store.findIdByClientId(db, actor.id, input.clientMessageId);
      if (!first) throw new AppError('CONFLICT', 'This message is being stored; send it again to get its acknowledgement');
      return { message: await this.viewById(actor.id, first), duplicate: true };
    }
    // Attachments need their rows decrypted; a text message is known in full already.
    const message = attachmentIds.length ? await this.viewById(actor.id, id, ctx) : this.freshView(actor, input, key, ctx, id, stored);
    this.uses.notifier.toUsers(participantsOf(ctx), 'chat:message', message);
    this.uses.pushNewMessage(ctx, actor.id);
    return { message, duplicate: false };
  }

  /**
   * Why a send may not be stored, checked against `ctx`: a retry of a stored message answers
   * with it (even if the conversation has since closed); anything else that fails throws.
   * Undefined when every check passes.
   */
  private async refusal(actor: Actor, input: MessageSendInput, ctx: store.SendContextRow | null): Promise<SendResult | undefined> {
    const existing = ctx ? ctx.existing_id : await store.findIdByClientId(this.deps.db, actor.id, input.clientMessageId);
    if (existing) return { message: await this.viewById(actor.id, existing), duplicate: true };
    assertParticipant(ctx, actor);
    assertCanWrite(ctx);
    if (input.replyToId && ctx.reply_conversation_id !== ctx.id) throw new AppError('VALIDATION_FAILED', 'replyToId: no such message in this conversation');
    dataKeyOf(this.deps.keyring, ctx);
    return undefined;
  }

  /** A just-stored text message as the protocol's `message`, without reading it back. */
  private freshView(
    actor: Actor,
    input: MessageSendInput,
    key: Buffer,
    ctx: store.SendContextRow,
    id: string,
    stored: { seq: number; rev: number; created_at: Date },
  ): Message {
    return {
      id,
      conversationId: ctx.id,
      seq: stored.seq,
      rev: stored.rev,
      clientMessageId: input.clientMessageId,
      senderId: actor.id,
      senderRole: actor.role,
      content: input.content ?? null,
      replyTo:
        input.replyToId && ctx.reply_seq !== null
          ? {
              id: input.replyToId,
              seq: ctx.reply_seq,
              senderId: ctx.reply_sender_id!,
              preview: previewOf(key, {
                conversationId: ctx.id,
                id: input.replyToId,
                version: ctx.reply_version!,
                body: ctx.reply_body,
                deletedAt: ctx.reply_deleted_at,
              }),
            }
          : null,
      attachments: [],
      reactions: [],
      createdAt: stored.created_at.toISOString(),
      editedAt: null,
      deletedAt: null,
    };
  }

  async edit(actor: Actor, messageId: string, content: string): Promise<Message> {
    const conv = await withTransaction(this.deps.db, async (tx) => {
      const { message, conv } = await this.lockOwnMessage(tx, actor, messageId);
      assertCanWrite(conv);
      if (message.deleted_at) throw new AppError('VALIDATION_FAILED', 'messageId: the message was deleted');
      if (Date.now() - message.created_at.getTime() > EDIT_WINDOW_MS)
        throw new AppError('EDIT_WINDOW_EXPIRED', 'Messages can be edited for 15 minutes after sending');
      const version = message.version + 1;
      const body = encryptText(dataKeyOf(this.deps.keyring, conv), content, messageAad(conv.id, message.id, version));
      await store.archiveVersion(tx, message);
      await store.updateBody(tx, message.id, body, version, await store.nextRev(tx, conv.id));
      return conv;
    });
    const view = await this.viewById(actor.id, messageId, conv);
    await this.notifyEach(conv, 'chat:edited', actor.id, view);
    // The newest message is the list's preview: both lists show the new text.
    if (view.seq === conv.last_seq) await this.uses.refreshConversationRows(conv.id, participantsOf(conv));
    return view;
  }

  async delete(actor: Actor, messageId: string, scope: 'self' | 'everyone'): Promise<void> {
    const { db } = this.deps;
    const event = await withTransaction(db, async (tx) => {
      if (scope === 'everyone') {
        const { message, conv } = await this.lockOwnMessage(tx, actor, messageId);
        if (message.deleted_at) return null; // already gone: deleting twice is not an error
        await store.archiveVersion(tx, message);
        await store.markDeleted(tx, message.id, await store.nextRev(tx, conv.id));
        const files = await deleteMessageAttachments(tx, message.id);
        return { conv, message, to: participantsOf(conv), files };
      }
      const message = await store.findMessageForUpdate(tx, messageId);
      const conv = await this.conversationFor(actor, message?.conversation_id ?? null, tx);
      if (!message) throw notFound('No such message');
      if (await store.isHidden(tx, message.id, actor.id)) return null;
      await store.insertHide(tx, { messageId: message.id, userId: actor.id, conversationId: conv.id, rev: await store.nextRev(tx, conv.id) });
      return { conv, message, to: [actor.id], files: [] };
    });
    if (event?.files.length) await this.uses.removeAttachmentFiles(event.files);
    if (event) {
      this.uses.notifier.toUsers(event.to, 'chat:deleted', {
        conversationId: event.conv.id,
        messageId: event.message.id,
        seq: event.message.seq,
        scope,
      });
      // A deleted message may have been the list's preview, or counted unread by the peer.
      await this.uses.refreshConversationRows(event.conv.id, event.to);
    }
  }

  async react(actor: Actor, messageId: string, emoji: string, on: boolean): Promise<Message> {
    const result = await withTransaction(this.deps.db, async (tx) => {
      const message = await store.findMessageForUpdate(tx, messageId);
      const conv = await this.conversationFor(actor, message?.conversation_id ?? null, tx);
      if (!message) throw notFound('No such message');
      assertCanWrite(conv);
      if (message.deleted_at) throw new AppError('VALIDATION_FAILED', 'messageId: the message was deleted');
      const changed = await store.setReaction(tx, message.id, actor.id, emoji, on);
      if (changed) await store.setMessageRev(tx, message.id, await store.nextRev(tx, conv.id));
      return { conv, changed };
    });
    const view = await this.viewById(actor.id, messageId, result.conv);
    if (result.changed) await this.notifyEach(result.conv, 'chat:reaction', actor.id, view);
    return view;
  }

  /** A page of history by seq; every read is audited before it is answered. */
  async page(actor: Actor, conversationId: string, q: MessagePageQuery, viewer: 'participant' | 'admin' = 'participant'): Promise<MessagePage> {
    const conv = viewer === 'admin' ? await this.anyConversation(conversationId) : await this.conversationFor(actor, conversationId);
    const viewerId = viewer === 'admin' ? null : actor.id;
    // The audit row (its details get the count shown) is written by the page's own statement.
    const { rows, hasMore } = await store.findMessagePage(
      this.deps.db,
      viewerId,
      conv.id,
      q,
      auditRecord(actor, {
        action: viewer === 'admin' ? 'admin.messages.read' : 'messages.read',
        outcome: 'success',
        conversationId: conv.id,
        details: { before: q.before ?? null, after: q.after ?? null },
      }),
    );
    const key = dataKeyOf(this.deps.keyring, conv);
    return { data: rows.map((r) => presentMessage(key, r)), hasMore };
  }

  async changes(actor: Actor, conversationId: string, q: ChangesQuery): Promise<MessagePage> {
    const conv = await this.conversationFor(actor, conversationId);
    const { rows, hasMore } = await store.findChanges(
      this.deps.db,
      actor.id,
      conv.id,
      q.since,
      q.limit,
      auditRecord(actor, { action: 'messages.sync', outcome: 'success', conversationId: conv.id, details: { since: q.since } }),
    );
    const key = dataKeyOf(this.deps.keyring, conv);
    return { data: rows.map((r) => presentMessage(key, r)), hasMore };
  }

  /** Every message of a conversation, oldest first, for an admin's record export (audited). */
  async exportAll(actor: Actor, conversationId: string): Promise<Message[]> {
    const conv = await this.anyConversation(conversationId);
    const key = dataKeyOf(this.deps.keyring, conv);
    const all: Message[] = [];
    for (let after = 0; ; ) {
      const { rows, hasMore } = await store.findMessagePage(this.deps.db, null, conv.id, { after, limit: 100 });
      all.push(...rows.map((r) => presentMessage(key, r)));
      if (!hasMore || rows.length === 0) break;
      after = rows[rows.length - 1]!.seq;
    }
    await audit(this.deps.db, actor, { action: 'admin.conversation.export', outcome: 'success', conversationId: conv.id, details: { count: all.length } });
    return all;
  }

  /** An admin's view of every earlier text of a message (edits and deletions). */
  async history(actor: Actor, messageId: string): Promise<{ message: Message; versions: MessageVersion[] }> {
    const message = await store.findMessageBrief(this.deps.db, messageId);
    if (!message) throw notFound('No such message');
    const conv = await this.anyConversation(message.conversation_id);
    const key = dataKeyOf(this.deps.keyring, conv);
    const versions = await store.findVersions(this.deps.db, messageId);
    await audit(this.deps.db, actor, {
      action: 'admin.messages.history',
      outcome: 'success',
      conversationId: conv.id,
      messageId,
      details: { versions: versions.length },
    });
    const [row] = await store.findMessagesByIds(this.deps.db, null, [messageId]);
    return {
      message: presentMessage(key, row!),
      versions: versions.map((v) => ({
        version: v.version,
        content: decryptBody(key, conv.id, messageId, v.version, v.body),
        createdAt: v.created_at.toISOString(),
        replacedAt: v.replaced_at.toISOString(),
      })),
    };
  }

  /**
   * Sends each participant their own view of a changed message: either may have deleted it
   * for themself, and `hiddenForMe` (with no content) is true only for that one.
   */
  private async notifyEach(conv: ConversationAccessRow, event: 'chat:edited' | 'chat:reaction', actorId: string, actorView: Message): Promise<void> {
    for (const userId of participantsOf(conv)) {
      const view = userId === actorId ? actorView : await this.viewById(userId, actorView.id, conv);
      this.uses.notifier.toUsers([userId], event, view);
    }
  }

  private async viewById(viewerId: string, id: string, conv?: ConversationAccessRow): Promise<Message> {
    const [row] = await store.findMessagesByIds(this.deps.db, viewerId, [id]);
    if (!row) throw notFound('No such message');
    const c = conv ?? (await this.anyConversation(row.conversation_id));
    return presentMessage(dataKeyOf(this.deps.keyring, c), row);
  }

  private async conversationFor(actor: Actor, id: string | null, db = this.deps.db as Parameters<typeof findConversationAccess>[0]) {
    const conv = id ? await findConversationAccess(db, id) : null;
    assertParticipant(conv, actor);
    return conv;
  }

  private async anyConversation(id: string): Promise<ConversationAccessRow> {
    const conv = await findConversationAccess(this.deps.db, id);
    if (!conv) throw notFound('No such conversation');
    return conv;
  }

  /** The caller's own message, locked for a change; someone else's is FORBIDDEN. */
  private async lockOwnMessage(tx: Parameters<typeof store.findMessageForUpdate>[0], actor: Actor, messageId: string) {
    const message = await store.findMessageForUpdate(tx, messageId);
    const conv = await this.conversationFor(actor, message?.conversation_id ?? null, tx);
    if (!message) throw notFound('No such message');
    if (message.sender_id !== actor.id) throw forbidden('Only the sender can change this message');
    return { message, conv };
  }
}
