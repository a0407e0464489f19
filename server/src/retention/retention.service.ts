import { insertAuditEvent } from '../audit/audit.store.js';
import type { Deps } from '../context.js';
import { withTransaction } from '../db/pool.js';
import {
  archiveIdle,
  expireIdleConversations,
  purgeAuditBatch,
  purgeExpiredBatch,
  removeEmptiedConversations,
} from './retention.store.js';
import { onlyRow } from '../db/rows.js';

// Any constant shared by every CareChat process on a database.
export const RETENTION_LOCK = 4_202_612;

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
 * events older than AUDIT_RETENTION_DAYS (six years at least) go. One process at a time (an
 * advisory lock), in small batches that each commit, so a crash loses at most one batch's
 * progress and the next run resumes. Every run is audited.
 */
export class RetentionService {
  constructor(
    private readonly deps: Deps,
    private readonly removeFiles: (keys: string[]) => Promise<void>,
  ) {}

  async run(): Promise<RetentionRun> {
    const { db } = this.deps;
    const lock = await db.connect();
    try {
      const { rows } = await lock.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [RETENTION_LOCK]);
      if (!onlyRow(rows, 'pg_try_advisory_lock').got) return NOT_RUN;
      const run = { ...NOT_RUN, ran: true };
      try {
        await this.work(run);
      } catch (err) {
        // A failed run is on the record too, with what it got done: the batches before the
        // failure committed. The cause is a code, never a message that could quote data.
        const code = (err as { code?: unknown }).code;
        await this.record(run, 'failure', {
          error: typeof code === 'string' ? code : ((err as Error).name ?? 'Error'),
        }).catch(() => undefined);
        throw err;
      }
      await this.record(run, 'success');
      return run;
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK]).catch(() => undefined);
      lock.release();
    }
  }

  private async work(run: RetentionRun): Promise<void> {
    const { db, config } = this.deps;
    // Whole conversations first: one statement makes each unreadable, everywhere.
    for (;;) {
      const expired = await expireIdleConversations(db, config.retentionDays, config.retentionBatch);
      expired.forEach((id) => this.deps.keyring.forget(id));
      run.conversationsExpired += expired.length;
      if (expired.length < config.retentionBatch) break;
    }
    for (;;) {
      const batch = await withTransaction(db, (tx) =>
        purgeExpiredBatch(tx, config.retentionDays, config.retentionBatch),
      );
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
    for (;;) {
      // Each batch records its own anchor as it commits: a crash between batches leaves a chain that verifies.
      const deleted = await withTransaction(db, (tx) =>
        purgeAuditBatch(tx, config.auditRetentionDays, config.retentionBatch),
      );
      run.auditEventsDeleted += deleted;
      if (deleted < config.retentionBatch) break;
    }
  }

  private record(
    run: RetentionRun,
    outcome: 'success' | 'failure',
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    const { config } = this.deps;
    return insertAuditEvent(this.deps.db, {
      actorId: 'system',
      actorRole: 'SYSTEM',
      action: 'retention.run',
      outcome,
      details: {
        ...run,
        retentionDays: config.retentionDays,
        archiveAfterDays: config.archiveAfterDays,
        auditRetentionDays: config.auditRetentionDays,
        ...extra,
      },
    });
  }
}
