import { randomUUID } from 'node:crypto';
import {
  EDIT_WINDOW_MS,
  isClinician,
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
import { joinedColumn, onlyRow } from '../db/rows.js';
import { AppError, forbidden, notFound } from '../errors.js';
import type { Notifier } from '../realtime/notifier.js';
import { assertCanWrite, assertParticipant, dataKeyOf, participantsOf } from '../conversations/access.js';
import { findConversationAccess, type ConversationAccessRow } from '../conversations/conversations.store.js';
import { presentMessage, presentVersions, previewOf } from './messages.present.js';
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
  /** Told after each new message (not a retry's) has committed: sending ends the sender's typing. */
  stopTyping: (conversationId: string, userId: string) => void;
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
    this.contexts = new Batcher(
      (keys) => store.findSendContexts(db, keys),
      (key) => store.findSendContext(db, key),
      lanes,
    );
    this.sends = new Batcher(
      (rows) => store.sendMessages(db, rows),
      async (row) => onlyRow(await store.sendMessages(db, [row]), 'sendMessages'),
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
    assertMayFlag(actor, input);
    if (!this.uses.sendBudget.take(actor.id))
      throw new AppError('RATE_LIMITED', 'Too many messages this minute; wait a little and send again');
    const attachmentIds = [...new Set(input.attachmentIds ?? [])];
    let key = attachmentIds.length === 0 ? keyring.cachedDataKey(input.conversationId) : undefined;
    let checked: store.SendContextRow | null = null;
    if (!key) {
      checked = await this.contexts.run({
        conversationId: input.conversationId,
        senderId: actor.id,
        clientMessageId: input.clientMessageId,
        replyToId: input.replyToId ?? null,
      });
      const retried = await this.retried(actor, input, checked);
      if (retried) return retried;
      assertMaySend(actor, input, checked);
      key = dataKeyOf(keyring, checked);
    }
    // With a cached key, input.conversationId is the id the key was cached under: the row's own.
    const conversationId = checked?.id ?? input.conversationId;
    const id = randomUUID();
    const body =
      input.content === undefined ? null : encryptText(key, input.content, messageAad(conversationId, id, 1));
    const row = {
      id,
      conversationId,
      senderId: actor.id,
      clientMessageId: input.clientMessageId,
      body,
      replyToId: input.replyToId ?? null,
      requestAck: input.requestAck === true,
      urgent: input.urgent === true,
    };
    let outcome: store.SendOutcome;
    try {
      // Text and attachments are stored by the same statement, which checks the write rule as
      // it writes; attachments run it in the transaction that claims them.
      if (attachmentIds.length === 0) outcome = await this.sends.run(row);
      else
        outcome = await withTransaction(db, async (tx) => {
          const sent = onlyRow(await store.sendMessages(tx, [row]), 'sendMessages');
          if (
            sent.stored &&
            (await claimAttachments(tx, attachmentIds, id, conversationId, actor.id)) !== attachmentIds.length
          )
            throw new AppError(
              'VALIDATION_FAILED',
              'attachmentIds: each must be your own clean, unsent upload to this conversation',
            );
          return sent;
        });
    } catch (err) {
      if (!isUniqueViolation(err, 'messages_sender_client_id')) throw err;
      outcome = { ctx: checked, stored: null };
    }
    const { ctx, stored } = outcome;
    if (!stored || !ctx) {
      // Nothing written: say why as a check before the write would have, else it is a retry.
      const retried = await this.retried(actor, input, ctx);
      if (retried) return retried;
      assertMaySend(actor, input, ctx);
      // A retry raced its original: answer with whichever committed first.
      const first = await store.findIdByClientId(db, actor.id, input.clientMessageId);
      if (!first)
        throw new AppError('CONFLICT', 'This message is being stored; send it again to get its acknowledgement');
      return { message: await this.viewById(actor.id, first), duplicate: true };
    }
    // Attachments need their rows decrypted; a text message is known in full already.
    const message = attachmentIds.length
      ? await this.viewById(actor.id, id, ctx)
      : this.freshView(actor, input, key, ctx, id, stored);
    this.uses.notifier.toUsers(participantsOf(ctx), 'chat:message', message);
    this.uses.pushNewMessage(ctx, actor.id);
    // Under the conversation id as the sender gave it: typing was started under that one.
    this.uses.stopTyping(input.conversationId, actor.id);
    return { message, duplicate: false };
  }

  /**
   * The answer to a retry of a stored message: the message itself, even if the conversation has
   * since closed, so it is checked before `assertMaySend`. Undefined when this send is new.
   */
  private async retried(
    actor: Actor,
    input: MessageSendInput,
    ctx: store.SendContextRow | null,
  ): Promise<SendResult | undefined> {
    const existing = ctx
      ? ctx.existing_id
      : await store.findIdByClientId(this.deps.db, actor.id, input.clientMessageId);
    return existing ? { message: await this.viewById(actor.id, existing), duplicate: true } : undefined;
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
    const message: Message = {
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
              senderId: joinedColumn(ctx.reply_sender_id, 'reply_sender_id'),
              preview: previewOf(key, {
                conversationId: ctx.id,
                id: input.replyToId,
                version: joinedColumn(ctx.reply_version, 'reply_version'),
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
    if (input.requestAck) message.acknowledgement = { acknowledgedAt: null, acknowledgedBy: null };
    if (input.urgent) message.urgent = true;
    return message;
  }

  async edit(actor: Actor, messageId: string, content: string): Promise<Message> {
    const conv = await withTransaction(this.deps.db, async (tx) => {
      const { message, conv } = await this.lockOwnMessage(tx, actor, messageId);
      assertCanWrite(conv);
      if (message.deleted_at) throw new AppError('VALIDATION_FAILED', 'messageId: the message was deleted');
      if (this.deps.clock.now() - message.created_at.getTime() > EDIT_WINDOW_MS)
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
      await store.insertHide(tx, {
        messageId: message.id,
        userId: actor.id,
        conversationId: conv.id,
        rev: await store.nextRev(tx, conv.id),
      });
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
  async page(
    actor: Actor,
    conversationId: string,
    q: MessagePageQuery,
    viewer: 'participant' | 'admin' = 'participant',
  ): Promise<MessagePage> {
    const conv =
      viewer === 'admin'
        ? await this.anyConversation(conversationId)
        : await this.conversationFor(actor, conversationId);
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
      auditRecord(actor, {
        action: 'messages.sync',
        outcome: 'success',
        conversationId: conv.id,
        details: { since: q.since },
      }),
    );
    const key = dataKeyOf(this.deps.keyring, conv);
    return { data: rows.map((r) => presentMessage(key, r)), hasMore };
  }

  /** Every message of a conversation, oldest first, for an admin's record export (audited). */
  async exportAll(actor: Actor, conversationId: string): Promise<Message[]> {
    const conv = await this.anyConversation(conversationId);
    const key = dataKeyOf(this.deps.keyring, conv);
    const all: Message[] = [];
    for (let after = 0; ;) {
      const { rows, hasMore } = await store.findMessagePage(this.deps.db, null, conv.id, { after, limit: 100 });
      all.push(...rows.map((r) => presentMessage(key, r)));
      const last = rows.at(-1);
      if (!hasMore || !last) break;
      after = last.seq;
    }
    await audit(this.deps.db, actor, {
      action: 'admin.conversation.export',
      outcome: 'success',
      conversationId: conv.id,
      details: { count: all.length },
    });
    return all;
  }

  /**
   * A conversation's messages sent in [from, to), oldest first, a page at a time: e-discovery
   * streams them (its one audit row is the caller's). A shredded conversation has none to give.
   */
  async *inRange(conversationId: string, from: Date, to: Date): AsyncGenerator<Message[]> {
    const conv = await this.anyConversation(conversationId);
    if (!conv.wrapped_key) return;
    const key = dataKeyOf(this.deps.keyring, conv);
    const first = await store.findFirstSeqAt(this.deps.db, conv.id, from.toISOString());
    if (first === null) return;
    for (let after = first - 1; ;) {
      const { rows, hasMore } = await store.findMessagePage(this.deps.db, null, conv.id, { after, limit: 100 });
      const inside = rows.filter((r) => r.created_at < to);
      if (inside.length) yield inside.map((r) => presentMessage(key, r));
      const last = rows.at(-1);
      if (!hasMore || !last || inside.length < rows.length) return;
      after = last.seq;
    }
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
    const row = onlyRow(await store.findMessagesByIds(this.deps.db, null, [messageId]), 'history: the message found');
    return {
      message: presentMessage(key, row),
      versions: presentVersions(key, message, versions),
    };
  }

  /**
   * Sends each participant their own view of a changed message: either may have deleted it
   * for themself, and `hiddenForMe` (with no content) is true only for that one.
   */
  private async notifyEach(
    conv: ConversationAccessRow,
    event: 'chat:edited' | 'chat:reaction',
    actorId: string,
    actorView: Message,
  ): Promise<void> {
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

  private async conversationFor(
    actor: Actor,
    id: string | null,
    db = this.deps.db as Parameters<typeof findConversationAccess>[0],
  ) {
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

/**
 * Asking for acknowledgement is a clinician's, urgency a patient's: anyone else asking is
 * refused rather than the flag dropped, so a client never believes it was sent with it.
 */
function assertMayFlag(actor: Actor, input: MessageSendInput): void {
  if (input.requestAck && !isClinician(actor.role))
    throw forbidden('requestAck: only a clinician can ask for acknowledgement');
  if (input.urgent && actor.role !== 'PATIENT') throw forbidden('urgent: only a patient can mark a message urgent');
}

/**
 * Throws why a new send may not be stored, checked against `ctx`, the conversation as the send's
 * checks read it: not a participant, a write the rule refuses, a reply to another conversation.
 */
function assertMaySend(
  actor: Actor,
  input: MessageSendInput,
  ctx: store.SendContextRow | null,
): asserts ctx is store.SendContextRow {
  assertParticipant(ctx, actor);
  assertCanWrite(ctx);
  if (input.replyToId && ctx.reply_conversation_id !== ctx.id)
    throw new AppError('VALIDATION_FAILED', 'replyToId: no such message in this conversation');
}
