import type {
  AdminConversationQuery,
  EDiscoveryQuery,
  OversightQuery,
  OversightReport,
  AuditEvent,
  AuditExportQuery,
  AuditQuery,
  Conversation,
  Page,
  PeopleQuery,
  TranscriptPage,
  TranscriptQuery,
  User,
} from '@carechat/protocol';
import type { z } from 'zod';
import { audit } from '../audit/audit.js';
import { verifyAuditChain, type ChainReport } from '../audit/audit-chain.js';
import { listTrail, trailBetween, type TrailRow } from '../audit/audit-trail.js';
import type { Actor, Deps } from '../context.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import { withTransaction } from '../db/pool.js';
import { AppError, forbidden, notFound } from '../errors.js';
import type { MessagesService } from '../messages/messages.service.js';
import type { UserStatusEffects } from '../users/user-status.service.js';
import { findUserById, searchUsers, setUserStatus, toUser } from '../users/users.store.js';
import { conversationsInRange, eDiscoveryFile } from './ediscovery.js';
import { oversightReport } from './oversight.js';
import { toFhirBundle } from './fhir-export.js';
import { readTranscript } from './transcript.js';
import { onlyRow } from '../db/rows.js';

type FhirBundle = ReturnType<typeof toFhirBundle>;

/**
 * What the admin console does. Every read of content or of the trail writes its audit row
 * before it answers (with the reason the admin gave: see `auditRecord`), so none is unrecorded.
 */
export class AdminService {
  constructor(
    private readonly deps: Deps,
    private readonly services: {
      statusEffects: UserStatusEffects;
      conversations: ConversationsService;
      messages: MessagesService;
    },
  ) {}

  /**
   * Who and when, never what (no previews): one audit event for the list as a whole, naming
   * no conversation, so it is in no participant's access log. Opening a transcript is the read.
   */
  async listConversations(actor: Actor, q: z.output<typeof AdminConversationQuery>): Promise<Page<Conversation>> {
    const page = await this.services.conversations.listAll(q);
    const details = { count: page.data.length, q: q.q ?? null, cursor: q.cursor ?? null };
    await audit(this.deps.db, actor, { action: 'admin.conversations.list', outcome: 'success', details });
    return page;
  }

  /** One conversation's row of the list (no content), audited as a view, not a read. */
  async readConversation(actor: Actor, conversationId: string): Promise<Conversation> {
    const view = await this.services.conversations.viewFor(null, conversationId);
    if (!view) throw notFound('No such conversation');
    await audit(this.deps.db, actor, { action: 'admin.conversations.view', outcome: 'success', conversationId });
    return view;
  }

  transcript(actor: Actor, conversationId: string, q: TranscriptQuery): Promise<TranscriptPage> {
    return readTranscript(this.deps, actor, conversationId, q);
  }

  /** The conversation for the medical record: a FHIR R4 Bundle of Communication resources (exportAll audits it). */
  async exportConversation(actor: Actor, conversationId: string, baseUrl: string): Promise<FhirBundle> {
    const conversation = await this.services.conversations.viewFor(null, conversationId);
    if (!conversation) throw notFound('No such conversation');
    const messages = await this.services.messages.exportAll(actor, conversationId);
    return toFhirBundle(conversation, messages, baseUrl);
  }

  /** People by name, for the audit log's person picker; audited (names are personal data). */
  async searchPeople(actor: Actor, q: z.output<typeof PeopleQuery>): Promise<{ data: User[] }> {
    const rows = await searchUsers(this.deps.db, q.q, q.limit);
    await audit(this.deps.db, actor, {
      action: 'admin.people.search',
      outcome: 'success',
      details: { count: rows.length },
    });
    return { data: rows.map(toUser) };
  }

  /** Reading the trail is itself on it: who looked at whose activity. */
  async auditPage(actor: Actor, q: AuditQuery): Promise<Page<AuditEvent>> {
    const page = await listTrail(this.deps.db, q, this.deps.config.sessionIdleMs);
    await audit(this.deps.db, actor, {
      action: 'admin.audit.read',
      outcome: 'success',
      targetId: q.actorId ?? null,
      details: {
        count: page.data.length,
        conversationId: q.conversationId ?? null,
        action: q.action ?? null,
        from: q.from ?? null,
        to: q.to ?? null,
      },
    });
    return page;
  }

  /**
   * A time range of the trail, read as it is sent (it can be large); the export is audited
   * before the first event is read.
   */
  async exportAudit(actor: Actor, q: z.output<typeof AuditExportQuery>): Promise<AsyncGenerator<TrailRow>> {
    const details = {
      from: q.from,
      to: q.to,
      format: q.format,
      conversationId: q.conversationId ?? null,
      action: q.action ?? null,
    };
    await audit(this.deps.db, actor, {
      action: 'admin.audit.export',
      outcome: 'success',
      targetId: q.actorId ?? null,
      details,
    });
    return trailBetween(this.deps.db, q, this.deps.config.sessionIdleMs);
  }

  async verifyAudit(actor: Actor): Promise<ChainReport> {
    const report = await verifyAuditChain(this.deps.db);
    const details = { ok: report.ok, checked: report.checked };
    await audit(this.deps.db, actor, { action: 'admin.audit.verify', outcome: 'success', details });
    return report;
  }

  /**
   * The reads that need a look, counted (the last 7 days unless a range is given). Viewing it
   * is a list event on the trail, with the counts it showed; it names no conversation.
   */
  async oversight(actor: Actor, q: z.output<typeof OversightQuery>): Promise<OversightReport> {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 7 * 86_400_000);
    if (from >= to) throw new AppError('VALIDATION_FAILED', 'from: must be before to');
    const report = await oversightReport(this.deps.db, from, to, this.deps.config.oversight);
    const details = {
      from: report.from,
      to: report.to,
      noReason: report.noReason.count,
      outsideHours: report.outsideHours.count,
      bursts: report.bursts.count,
    };
    await audit(this.deps.db, actor, { action: 'admin.oversight.read', outcome: 'success', details });
    return report;
  }

  /**
   * E-discovery: every conversation of one person with messages in the range, and their audit
   * events, as one file streamed as it is read. Break-glass like opening a transcript, so a
   * reason is required, not only recorded. One audit event, naming the person and the range,
   * is written before the first byte.
   */
  async eDiscovery(
    actor: Actor,
    personId: string,
    q: z.output<typeof EDiscoveryQuery>,
    baseUrl: string,
  ): Promise<AsyncGenerator<string>> {
    if (!actor.accessReason?.trim()) throw new AppError('VALIDATION_FAILED', 'reason: an export needs a reason');
    const range = { from: new Date(q.from), to: new Date(q.to) };
    if (range.from >= range.to) throw new AppError('VALIDATION_FAILED', 'from: must be before to');
    if (!(await findUserById(this.deps.db, personId))) throw notFound('No such user');
    const ids = await conversationsInRange(this.deps.db, personId, range.from, range.to);
    await audit(this.deps.db, actor, {
      action: 'admin.ediscovery.export',
      outcome: 'success',
      targetId: personId,
      details: { from: q.from, to: q.to, conversations: ids.length },
    });
    const sources = {
      db: this.deps.db,
      conversations: this.services.conversations,
      messages: this.services.messages,
      idleMs: this.deps.config.sessionIdleMs,
    };
    return eDiscoveryFile(sources, personId, ids, range, baseUrl);
  }

  /** Exempts a conversation from retention, or lifts that. */
  async setLegalHold(actor: Actor, conversationId: string, hold: boolean): Promise<{ id: string; legalHold: boolean }> {
    const { rowCount } = await this.deps.db.query('UPDATE conversations SET legal_hold = $2 WHERE id = $1', [
      conversationId,
      hold,
    ]);
    if (!rowCount) throw notFound('No such conversation');
    await audit(this.deps.db, actor, {
      action: hold ? 'admin.legal_hold.set' : 'admin.legal_hold.lift',
      outcome: 'success',
      conversationId,
    });
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
      `UPDATE conversations SET wrapped_key = NULL, shredded_at = COALESCE(shredded_at, now())
        WHERE id = $1 RETURNING shredded_at`,
      [conversationId],
    );
    this.deps.keyring.forget(conversationId);
    await audit(this.deps.db, actor, { action: 'admin.conversation.shred', outcome: 'success', conversationId });
    return { id: conversationId, shreddedAt: onlyRow(done, 'shred').shredded_at.toISOString() };
  }

  async setBlocked(actor: Actor, userId: string, blocked: boolean): Promise<User> {
    if (userId === actor.id) throw forbidden('Admins cannot block themselves');
    const user = await withTransaction(this.deps.db, async (tx) => {
      const row = await setUserStatus(tx, userId, blocked ? 'blocked' : 'active');
      if (!row) throw notFound('No such user');
      await this.services.statusEffects.revokeInactive(tx, [row]);
      await audit(tx, actor, {
        action: blocked ? 'admin.user.block' : 'admin.user.unblock',
        outcome: 'success',
        targetId: userId,
      });
      return row;
    });
    this.services.statusEffects.disconnect([user]);
    await this.services.statusEffects.tellPeers([user.id]);
    return toUser(user);
  }
}
