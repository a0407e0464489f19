import { useState } from 'react';
import { dayOf, dayRange } from './audit-query.js';
import { PersonPicker } from './PersonPicker.js';

/**
 * E-discovery: every conversation of one person over a range of days, with their audit events,
 * as one FHIR file. Break-glass like opening a transcript: the download asks for a reason,
 * which the server keeps on the export's audit row.
 */
export function EDiscovery() {
  const [person, setPerson] = useState<{ id: string; name: string } | null>(null);
  const [fromDay, setFromDay] = useState(() => dayOf(Date.now() - 29 * 86_400_000));
  const [toDay, setToDay] = useState(() => dayOf(Date.now()));
  const [reason, setReason] = useState('');
  const ready = person && fromDay && toDay && fromDay <= toDay && reason.trim();
  const href = () => {
    if (!ready || !person) return undefined;
    const { from, to } = dayRange(fromDay, toDay);
    const q = new URLSearchParams({ from, to, reason: reason.trim() });
    return `/api/admin/people/${encodeURIComponent(person.id)}/ediscovery?${q}`;
  };
  return (
    <section className="audit ediscovery" aria-label="E-discovery">
      <h2>E-discovery export</h2>
      <p className="muted small">
        Every conversation of one person with messages in these days, as FHIR Bundles, with their audit events. The
        export, your reason and the time are recorded.
      </p>
      <form className="audit-filters" onSubmit={(e) => e.preventDefault()}>
        <PersonPicker chosen={person} onChoose={setPerson} />
        <label className="small">
          From <input type="date" value={fromDay} onChange={(e) => setFromDay(e.target.value)} />
        </label>
        <label className="small">
          To <input type="date" value={toDay} onChange={(e) => setToDay(e.target.value)} />
        </label>
        <label className="small">
          Reason for the export{' '}
          <input
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="e.g. subpoena 2026-17"
            required
          />
        </label>
      </form>
      {fromDay > toDay && (
        <p role="alert" className="error">
          The first day is after the last.
        </p>
      )}
      {ready ? (
        <a className="download" href={href()} download={`ediscovery-${fromDay}-${toDay}.fhir.json`}>
          Download e-discovery export
        </a>
      ) : (
        <p className="muted small">Choose a person, the days and a reason to download.</p>
      )}
    </section>
  );
}
