import { useCallback, useEffect, useState } from 'react';
import { AUDIT_ACTIONS, type AuditEvent, type Page } from '@carechat/protocol';
import { api } from '../api/http.js';
import { actionLabel, AuditDetail } from './AuditDetail.js';
import { auditParams, NO_FILTERS, type AuditFilters } from './audit-query.js';
import { ChainCheck } from './ChainCheck.js';
import { PersonPicker } from './PersonPicker.js';

/**
 * The audit trail, newest first, searched by action, person (by name), conversation and days;
 * each row opens in full, and the filtered range exports as JSON lines or FHIR. It opens on
 * `initial` (the oversight page opens it on one person's days).
 */
export function AuditLog({ initial = NO_FILTERS }: { initial?: AuditFilters }) {
  const [filters, setFilters] = useState<AuditFilters>(initial);
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<AuditEvent | null>(null);
  /** A page of the filtered trail: the newest, or the one after `cursor`, added below what is shown. */
  const fetchPage = useCallback(
    (cursor: string | null) => {
      const params = auditParams(filters);
      params.set('limit', '100');
      if (cursor) params.set('cursor', cursor);
      return api<Page<AuditEvent>>('GET', `/api/admin/audit?${params}`)
        .then(
          (p) => {
            setEvents((shown) => (cursor ? [...shown, ...p.data] : p.data));
            setNext(p.nextCursor);
            setError(null);
          },
          (e: Error) => setError(e.message),
        )
        .finally(() => setLoading(false));
    },
    [filters],
  );
  // A new set of filters starts again from the newest page.
  useEffect(() => void fetchPage(null), [fetchPage]);
  const set = (change: Partial<AuditFilters>) => {
    setLoading(true);
    setFilters((f) => ({ ...f, ...change }));
  };
  const handleMore = () => {
    setLoading(true);
    void fetchPage(next);
  };
  const exportHref = (format: 'jsonl' | 'fhir') =>
    `/api/admin/audit/export?${auditParams(filters, true)}&format=${format}`;
  if (open) return <AuditDetail event={open} onClose={() => setOpen(null)} />;
  return (
    <section className="audit" aria-label="Audit log">
      <form className="audit-filters" onSubmit={(e) => e.preventDefault()}>
        <label className="small">
          Action{' '}
          <select value={filters.action} onChange={(e) => set({ action: e.target.value })}>
            <option value="">Any action</option>
            {Object.entries(AUDIT_ACTIONS).map(([action, label]) => (
              <option key={action} value={action}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <PersonPicker
          chosen={filters.actorId ? { id: filters.actorId, name: filters.actorName } : null}
          onChoose={(p) => set({ actorId: p?.id ?? '', actorName: p?.name ?? '' })}
        />
        <label className="small">
          Conversation{' '}
          <input
            value={filters.conversationId}
            placeholder="Conversation id"
            pattern="[0-9a-fA-F-]{36}"
            onChange={(e) => {
              const id = e.target.value.trim();
              if (id === '' || /^[0-9a-f-]{36}$/i.test(id)) set({ conversationId: id });
            }}
          />
        </label>
        <label className="small">
          From <input type="date" value={filters.fromDay} onChange={(e) => set({ fromDay: e.target.value })} />
        </label>
        <label className="small">
          To <input type="date" value={filters.toDay} onChange={(e) => set({ toDay: e.target.value })} />
        </label>
        <button type="button" className="link" onClick={() => set(NO_FILTERS)}>
          Clear filters
        </button>
      </form>
      <div className="audit-tools">
        <a href={exportHref('jsonl')} download="audit.jsonl">
          Export JSON lines
        </a>
        <a href={exportHref('fhir')} download="audit-fhir.json">
          Export FHIR AuditEvents
        </a>
        <ChainCheck />
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!loading && !error && events.length === 0 && <p className="muted">Nothing matches these filters.</p>}
      <ol className="audit-list">
        {events.map((e) => (
          <li key={e.id}>
            <button type="button" className="audit-row" onClick={() => setOpen(e)}>
              <span className="audit-when small">{new Date(e.at).toLocaleString()}</span>
              <span className="audit-what">
                <strong>{actionLabel(e.action)}</strong>
                {e.outcome !== 'success' && <span className="tag"> {e.outcome}</span>}
              </span>
              <span className="audit-who small">
                {e.actorName ?? e.actorId ?? 'unknown'}
                {e.actorRole && <span className="muted"> ({e.actorRole.toLowerCase()})</span>}
                {e.conversationName && <span className="muted"> · {e.conversationName}</span>}
              </span>
            </button>
          </li>
        ))}
      </ol>
      {next && (
        <button type="button" className="page-more" disabled={loading} onClick={handleMore}>
          More events
        </button>
      )}
    </section>
  );
}
