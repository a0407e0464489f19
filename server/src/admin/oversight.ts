import type { AuditEvent, OversightBurst, OversightReport } from '@carechat/protocol';
import type { Config } from '../config.js';
import type { Queryable } from '../db/pool.js';
import { onlyRow } from '../db/rows.js';
import { presentTrailEvent, type TrailRow } from '../audit/audit-trail.js';
import { outsideRead } from '../audit/audit.store.js';

/** How many of each kind the page lists (newest first); the counts cover the whole range. */
const ITEMS = 100;

/** $1 from, $2 to, $3 zone, $4 ISO weekdays, $5 start, $6 end: outside the working week in the clinic's zone. */
const OUTSIDE_HOURS = `NOT (extract(isodow FROM e.at AT TIME ZONE $3)::int = ANY($4::int[])
  AND (e.at AT TIME ZONE $3)::time >= $5::time AND (e.at AT TIME ZONE $3)::time < $6::time)`;
const NO_REASON = `(e.details->>'flagged') = 'true'`;

type Rules = Config['oversight'];

/**
 * The reads that need a look (issue #20), in [from, to), computed over the chained audit events
 * (derived events are sends and such, never reads): reads with no reason given (an admin's
 * break-glass read without one is flagged on its row), reads outside working hours, and runs of
 * one reader opening many conversations in a short time.
 */
export async function oversightReport(db: Queryable, from: Date, to: Date, rules: Rules): Promise<OversightReport> {
  const { workingHours: wh, burst } = rules;
  const params = [from, to, wh.timeZone, wh.days, wh.start, wh.end];
  const range = `${outsideRead('e')} AND e.at >= $1 AND e.at < $2`;
  const items = async (condition: string): Promise<AuditEvent[]> => {
    const found = await db.query<TrailRow>(
      `SELECT e.id::text AS id, e.at, e.actor_id, e.actor_role, e.action, e.conversation_id, e.message_id,
              e.target_id, e.ip, e.user_agent, e.outcome, e.details, e.prev_hash, e.hash,
              a.name AS actor_name, p.name || ' · ' || d.name AS conversation_name
         FROM audit_events e
         LEFT JOIN users a ON a.id = e.actor_id
         LEFT JOIN conversations c ON c.id = e.conversation_id
         LEFT JOIN users p ON p.id = c.patient_id
         LEFT JOIN users d ON d.id = c.doctor_id
        WHERE ${range} AND ${condition}
        ORDER BY e.at DESC, e.id DESC LIMIT ${ITEMS}`,
      // Only the parameters the condition names: $3 and on are the working hours'.
      condition === OUTSIDE_HOURS ? params : params.slice(0, 2),
    );
    return found.rows.map(presentTrailEvent);
  };
  const counted = db.query<{ no_reason: number; outside_hours: number }>(
    `SELECT (count(*) FILTER (WHERE ${NO_REASON}))::int AS no_reason,
            (count(*) FILTER (WHERE ${OUTSIDE_HOURS}))::int AS outside_hours
       FROM audit_events e WHERE ${range}`,
    params,
  );
  // Four independent statements: on a pool they run at once (the count and the runs each scan the range).
  const [{ rows }, noReason, outsideHours, runs] = await Promise.all([
    counted,
    items(NO_REASON),
    items(OUTSIDE_HOURS),
    burstRuns(db, from, to, burst),
  ]);
  const counts = onlyRow(rows, 'oversight counts');
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    rules,
    noReason: { count: counts.no_reason, items: noReason },
    outsideHours: { count: counts.outside_hours, items: outsideHours },
    bursts: { count: runs.length, items: runs.slice(0, ITEMS) },
  };
}

/**
 * Runs of reads by one reader in which, at each read, `conversations` distinct conversations
 * were read within the `minutes` before it; reads less than a window apart join one run.
 * A plain count over the window (`RANGE ... PRECEDING`) first keeps only reads that could
 * qualify, so the distinct count (an index probe per read: window functions have no DISTINCT)
 * runs for few of them. Reads from a window before `from` count towards the first runs.
 */
async function burstRuns(db: Queryable, from: Date, to: Date, burst: Rules['burst']): Promise<OversightBurst[]> {
  const { rows } = await db.query<{
    actor_id: string | null;
    actor_name: string | null;
    actor_role: OversightBurst['actorRole'];
    first_at: Date;
    last_at: Date;
    conversations: number;
    reads: number;
  }>(
    `WITH reads AS (
       SELECT e.id, e.at, e.actor_id, e.actor_role,
              count(*) OVER (PARTITION BY e.actor_id ORDER BY e.at RANGE BETWEEN $3::interval PRECEDING AND CURRENT ROW)
                AS in_window
         FROM audit_events e
        WHERE ${outsideRead('e')} AND e.at >= $1::timestamptz - $3::interval AND e.at < $2
          AND e.actor_id IS NOT NULL AND e.conversation_id IS NOT NULL
     ), hits AS (
       SELECT r.id, r.at, r.actor_id, r.actor_role, w.first_at
         FROM reads r
         CROSS JOIN LATERAL (
           SELECT count(DISTINCT x.conversation_id) AS n, min(x.at) AS first_at FROM audit_events x
            WHERE ${outsideRead('x')} AND x.actor_id = r.actor_id AND x.at > r.at - $3::interval AND x.at <= r.at
              AND x.conversation_id IS NOT NULL
         ) w
        WHERE r.in_window >= $4 AND r.at >= $1 AND w.n >= $4
     ), runs AS (
       SELECT h.*, sum(CASE WHEN h.prev_at IS NULL OR h.at - h.prev_at > $3::interval THEN 1 ELSE 0 END)
                     OVER (PARTITION BY h.actor_id ORDER BY h.at, h.id) AS run
         FROM (SELECT hits.*, lag(hits.at) OVER (PARTITION BY hits.actor_id ORDER BY hits.at, hits.id) AS prev_at
                 FROM hits) h
     ), spans AS (
       SELECT actor_id, min(actor_role) AS actor_role, min(first_at) AS first_at, max(at) AS last_at
         FROM runs GROUP BY actor_id, run
     )
     SELECT s.actor_id, s.actor_role, s.first_at, s.last_at, u.name AS actor_name, c.conversations, c.reads
       FROM spans s
       LEFT JOIN users u ON u.id = s.actor_id
       CROSS JOIN LATERAL (
         SELECT count(DISTINCT x.conversation_id)::int AS conversations, count(*)::int AS reads FROM audit_events x
          WHERE ${outsideRead('x')} AND x.actor_id = s.actor_id AND x.at >= s.first_at AND x.at <= s.last_at
            AND x.conversation_id IS NOT NULL
       ) c
      ORDER BY s.last_at DESC`,
    [from, to, `${burst.minutes} minutes`, burst.conversations],
  );
  return rows.map((r) => ({
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorRole: r.actor_role,
    from: r.first_at.toISOString(),
    to: r.last_at.toISOString(),
    conversations: r.conversations,
    reads: r.reads,
  }));
}
