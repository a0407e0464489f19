import { useEffect, useState } from 'react';
import type { AuditEvent, OversightBurst, OversightReport } from '@carechat/protocol';
import { api } from '../api/http.js';
import { actionLabel, AuditDetail } from './AuditDetail.js';
import { dayOf, dayRange } from './audit-query.js';

const WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const describeHours = ({ workingHours: { start, end, days, timeZone } }: OversightReport['rules']) =>
  `${start}–${end}, ${days.map((d) => WEEKDAYS[d]).join(' ')} (${timeZone})`;

/** One kind of read that needs a look: its count over the range, and the newest of them. */
function Reads({
  title,
  hint,
  found,
  onOpen,
}: {
  title: string;
  hint: string;
  found: { count: number; items: AuditEvent[] };
  onOpen: (e: AuditEvent) => void;
}) {
  return (
    <section className="oversight-kind" aria-label={title}>
      <h2>
        {title} <span className="count">{found.count}</span>
      </h2>
      <p className="muted small">{hint}</p>
      {found.count === 0 && <p className="muted small">None in this range.</p>}
      <ol className="audit-list">
        {found.items.map((e) => (
          <li key={e.id}>
            <button type="button" className="audit-row" onClick={() => onOpen(e)}>
              <span className="audit-when small">{new Date(e.at).toLocaleString()}</span>
              <span className="audit-what">
                <strong>{actionLabel(e.action)}</strong>
              </span>
              <span className="audit-who small">
                {e.actorName ?? e.actorId ?? 'unknown'}
                {e.conversationName && <span className="muted"> · {e.conversationName}</span>}
                {typeof e.details?.reason === 'string' && <span className="muted"> · {e.details.reason}</span>}
              </span>
            </button>
          </li>
        ))}
      </ol>
      {found.count > found.items.length && (
        <p className="muted small">Showing the newest {found.items.length}; narrow the dates to see the rest.</p>
      )}
    </section>
  );
}

/**
 * The oversight page: reads of content by anyone outside a conversation that need a look, by
 * kind, with counts (viewing it is on the trail). A read opens its audit row; a run of reads
 * opens the audit log on that person and those days.
 */
export function Oversight({ onOpenLog }: { onOpenLog: (b: OversightBurst) => void }) {
  const [range, setRange] = useState(() => ({ fromDay: dayOf(Date.now() - 6 * 86_400_000), toDay: dayOf(Date.now()) }));
  const [report, setReport] = useState<OversightReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<AuditEvent | null>(null);
  useEffect(() => {
    if (!range.fromDay || !range.toDay) return;
    const { from, to } = dayRange(range.fromDay, range.toDay);
    api<OversightReport>('GET', `/api/admin/oversight?from=${from}&to=${to}`).then(
      (r) => {
        setReport(r);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [range]);
  if (open) return <AuditDetail event={open} onClose={() => setOpen(null)} />;
  return (
    <section className="audit oversight" aria-label="Oversight">
      <form className="audit-filters" onSubmit={(e) => e.preventDefault()}>
        <label className="small">
          From{' '}
          <input
            type="date"
            value={range.fromDay}
            onChange={(e) => setRange((r) => ({ ...r, fromDay: e.target.value }))}
          />
        </label>
        <label className="small">
          To{' '}
          <input type="date" value={range.toDay} onChange={(e) => setRange((r) => ({ ...r, toDay: e.target.value }))} />
        </label>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {report && (
        <>
          <Reads
            title="No reason given"
            hint="Content opened by an admin who gave no reason."
            found={report.noReason}
            onOpen={setOpen}
          />
          <Reads
            title="Outside working hours"
            hint={`Content opened by someone outside the conversation, outside ${describeHours(report.rules)}.`}
            found={report.outsideHours}
            onOpen={setOpen}
          />
          <section className="oversight-kind" aria-label="Many conversations in a short time">
            <h2>
              Many conversations in a short time <span className="count">{report.bursts.count}</span>
            </h2>
            <p className="muted small">
              {report.rules.burst.conversations} or more conversations opened by one person within{' '}
              {report.rules.burst.minutes} minutes.
            </p>
            {report.bursts.count === 0 && <p className="muted small">None in this range.</p>}
            <ol className="audit-list">
              {report.bursts.items.map((b) => (
                <li key={`${b.actorId}:${b.from}`}>
                  <button type="button" className="audit-row" onClick={() => onOpenLog(b)}>
                    <span className="audit-when small">
                      {new Date(b.from).toLocaleString()} – {new Date(b.to).toLocaleTimeString()}
                    </span>
                    <span className="audit-what">
                      <strong>
                        {b.conversations} conversations, {b.reads} reads
                      </strong>
                    </span>
                    <span className="audit-who small">
                      {b.actorName ?? b.actorId ?? 'unknown'}
                      {b.actorRole && <span className="muted"> ({b.actorRole.toLowerCase()})</span>}
                    </span>
                  </button>
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
    </section>
  );
}
