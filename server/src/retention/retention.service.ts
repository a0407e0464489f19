import { insertAuditEvent } from '../audit/audit.store.js';
import type { Deps } from '../context.js';
import { withTransaction } from '../db/pool.js';
import { archiveIdle, expireIdleConversations, purgeAuditBatch, purgeExpiredBatch, removeEmptiedConversations } from './retention.store.js';

// Any constant shared by every CareChat process on a database.
const RETENTION_LOCK = 4_202_612;

export interface RetentionRun {
  ran: boolean;
  /** Conversations idle past retention: keys destroyed this run, rows removed once emptied. */
  conversationsExpired: number;
  conversationsRemoved: number;
  messagesDeleted: number;
  filesDeleted: number;
  conversationsArchived: number;
  auditEventsDeleted: number;
}

const NOT_RUN: RetentionRun = {
  ran: false,
  conversationsExpired: 0,
  conversationsRemoved: 0,
  messagesDeleted: 0,
  filesDeleted: 0,
  conversationsArchived: 0,
  auditEventsDeleted: 0,
};

/**
 * The scheduled retention work: conversations idle past RETENTION_DAYS are crypto-shredded
 * and then removed, messages (and their files) older than RETENTION_DAYS are deleted for
 * good, conversations idle for ARCHIVE_AFTER_DAYS are archived for both sides, and audit
 * events older than AUDIT_RETENTION_DAYS (six years at least) go. One process at a time (an advisory lock), in small batches that each commit, so a
 * crash loses at most one batch's progress and the next run resumes. Every run is audited.
 */
export class RetentionService {
  constructor(
    private readonly deps: Deps,
    private readonly removeFiles: (keys: string[]) => Promise<void>,
  ) {}

  async run(): Promise<RetentionRun> {
    const { db, config } = this.deps;
    const lock = await db.connect();
    try {
      const { rows } = await lock.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [RETENTION_LOCK]);
      if (!rows[0]!.got) return NOT_RUN;
      const run = { ...NOT_RUN, ran: true };
      // Whole conversations first: one statement makes each unreadable, everywhere.
      for (;;) {
        const expired = await expireIdleConversations(db, config.retentionDays, config.retentionBatch);
        expired.forEach((id) => this.deps.keyring.forget(id));
        run.conversationsExpired += expired.length;
        if (expired.length < config.retentionBatch) break;
      }
      for (;;) {
        const batch = await withTransaction(db, (tx) => purgeExpiredBatch(tx, config.retentionDays, config.retentionBatch));
        await this.removeFiles(batch.files);
        run.messagesDeleted += batch.messages;
        run.filesDeleted += batch.files.length;
        if (batch.messages < config.retentionBatch) break;
      }
      for (;;) {
        const batch = await withTransaction(db, (tx) => removeEmptiedConversations(tx, config.retentionBatch));
        await this.removeFiles(batch.files);
        run.conversationsRemoved += batch.conversations;
        run.filesDeleted += batch.files.length;
        if (batch.conversations < config.retentionBatch) break;
      }
      run.conversationsArchived = await archiveIdle(db, config.archiveAfterDays);
      let auditAnchor: string | null = null;
      for (;;) {
        const batch = await withTransaction(db, (tx) => purgeAuditBatch(tx, config.auditRetentionDays, config.retentionBatch));
        run.auditEventsDeleted += batch.deleted;
        if (batch.deleted > 0) auditAnchor = batch.anchor;
        if (batch.deleted < config.retentionBatch) break;
      }
      await insertAuditEvent(db, {
        actorId: 'system',
        actorRole: 'SYSTEM',
        action: 'retention.run',
        outcome: 'success',
        details: {
          ...run,
          retentionDays: config.retentionDays,
          archiveAfterDays: config.archiveAfterDays,
          auditRetentionDays: config.auditRetentionDays,
          // The chain now starts at an event whose link points here: verification checks it.
          ...(auditAnchor ? { auditAnchor } : {}),
        },
      });
      return run;
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK]).catch(() => undefined);
      lock.release();
    }
  }
}
