/** The audit log's filters, as the console holds them and as the API takes them. */
export interface AuditFilters {
  actorId: string;
  /** The chosen person's name, shown beside the id. */
  actorName: string;
  action: string;
  conversationId: string;
  /** Days as a date input gives them (YYYY-MM-DD), both included. */
  fromDay: string;
  toDay: string;
}

export const NO_FILTERS: AuditFilters = {
  actorId: '',
  actorName: '',
  action: '',
  conversationId: '',
  fromDay: '',
  toDay: '',
};

const DAY = 86_400_000;
/** The start of a day where the admin is, as an instant. */
const dayStart = (day: string) => new Date(`${day}T00:00:00`);

/**
 * The query string for the page and the export: the days become [from, to) instants, the end
 * day included. The export needs a range, so `wholeRange` fills a missing end with the
 * beginning of time or tomorrow.
 */
export function auditParams(f: AuditFilters, wholeRange = false): URLSearchParams {
  const p = new URLSearchParams();
  if (f.actorId) p.set('actorId', f.actorId);
  if (f.action) p.set('action', f.action);
  if (f.conversationId) p.set('conversationId', f.conversationId);
  if (f.fromDay) p.set('from', dayStart(f.fromDay).toISOString());
  else if (wholeRange) p.set('from', new Date(0).toISOString());
  if (f.toDay) p.set('to', new Date(dayStart(f.toDay).getTime() + DAY).toISOString());
  else if (wholeRange) p.set('to', new Date(Date.now() + DAY).toISOString());
  return p;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The day of an instant where the admin is, as a date input writes it (YYYY-MM-DD). */
export const dayOf = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

/** Days as date inputs give them, both included, as the [from, to) instants the API takes. */
export const dayRange = (fromDay: string, toDay: string) => ({
  from: dayStart(fromDay).toISOString(),
  to: new Date(dayStart(toDay).getTime() + DAY).toISOString(),
});
