import type { Queryable } from '../db/pool.js';

export interface ChainReport {
  ok: boolean;
  checked: number;
  /** The first event whose hash or link does not match, and why. */
  firstBroken: { id: string; reason: 'hash' | 'link' } | null;
}

const BATCH = 5000;

/**
 * The oldest event either starts the chain, or links to events the retention job removed:
 * each batch it removed recorded (`audit.purge`, in the same transaction) the link the oldest
 * remaining one carries; databases from before that kept it on the run's `retention.run`.
 * Anything else means events were taken off the front.
 */
async function startsWell(db: Queryable, prevHash: Buffer | null): Promise<boolean> {
  if (prevHash === null) return true;
  const { rows } = await db.query(
    `SELECT 1 FROM audit_events
      WHERE action IN ('audit.purge', 'retention.run') AND actor_role = 'SYSTEM'
        AND details->>'auditAnchor' = $1 LIMIT 1`,
    [prevHash.toString('hex')],
  );
  return rows.length > 0;
}

/**
 * Walks the audit chain in id order, recomputing each event's hash in the database (the
 * same function the insert trigger uses) and checking each link to the previous hash.
 */
export async function verifyAuditChain(db: Queryable): Promise<ChainReport> {
  let after = 0;
  let previous: Buffer | null = null;
  let checked = 0;
  for (;;) {
    const { rows } = await db.query<{ id: number; prev_hash: Buffer | null; hash: Buffer; expected: Buffer }>(
      `SELECT id, prev_hash, hash, audit_event_hash(prev_hash, e) AS expected
         FROM audit_events e WHERE id > $1 ORDER BY id LIMIT $2`,
      [after, BATCH],
    );
    for (const r of rows) {
      const linked =
        previous === null
          ? checked === 0 && (await startsWell(db, r.prev_hash))
          : r.prev_hash !== null && r.prev_hash.equals(previous);
      if (!linked) return { ok: false, checked, firstBroken: { id: String(r.id), reason: 'link' } };
      if (!r.hash || !r.hash.equals(r.expected))
        return { ok: false, checked, firstBroken: { id: String(r.id), reason: 'hash' } };
      previous = r.hash;
      checked++;
      after = r.id;
    }
    if (rows.length < BATCH) return { ok: true, checked, firstBroken: null };
  }
}
