import { insertAuditEvent } from '../audit/audit.store.js';
import type { Deps } from '../context.js';
import { withTransaction } from '../db/pool.js';
import { archiveIdle, purgeExpiredBatch } from './retention.store.js';

// Any constant shared by every CareChat process on a database.
const RETENTION_LOCK = 4_202_612;

export interface RetentionRun {
  ran: boolean;
  messagesDeleted: number;
  filesDeleted: number;
  conversationsArchived: number;
}

/**
 * The scheduled retention work: messages (and their files) older than RETENTION_DAYS are
 * deleted for good, and conversations idle for ARCHIVE_AFTER_DAYS are archived for both
 * sides. One process at a time (an advisory lock), in small batches that each commit, so a
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
      if (!rows[0]!.got) return { ran: false, messagesDeleted: 0, filesDeleted: 0, conversationsArchived: 0 };
      let messagesDeleted = 0;
      let filesDeleted = 0;
      for (;;) {
        const batch = await withTransaction(db, (tx) => purgeExpiredBatch(tx, config.retentionDays, config.retentionBatch));
        await this.removeFiles(batch.files);
        messagesDeleted += batch.messages;
        filesDeleted += batch.files.length;
        if (batch.messages < config.retentionBatch) break;
      }
      const conversationsArchived = await archiveIdle(db, config.archiveAfterDays);
      await insertAuditEvent(db, {
        actorId: 'system',
        actorRole: 'SYSTEM',
        action: 'retention.run',
        outcome: 'success',
        details: { messagesDeleted, filesDeleted, conversationsArchived, retentionDays: config.retentionDays, archiveAfterDays: config.archiveAfterDays },
      });
      return { ran: true, messagesDeleted, filesDeleted, conversationsArchived };
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK]).catch(() => undefined);
      lock.release();
    }
  }
}
