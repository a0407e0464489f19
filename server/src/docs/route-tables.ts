/**
 * The reader of protocol.md's route tables, which docs.test.ts holds the registered routes and
 * the document against. (The server's own route list is collected as routes register: routes.ts.)
 */

export interface SpecRoute {
  method: string;
  /** As the spec writes it: `/api/chat/conversations/:id`. */
  path: string;
  /** Fields the spec names in the body or query column. */
  fields: string[];
  multipart: boolean;
}

const ROUTE = /^(?:(GET|POST|PUT|PATCH|DELETE) )?(\/\S*)$/;

/** Top-level keys of a `{a, b?: [...], c: "x" or "y"}` cell. */
function objectKeys(cell: string): string[] {
  const inner = cell.slice(cell.indexOf('{') + 1, cell.lastIndexOf('}'));
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of inner) {
    if ('[{('.includes(ch)) depth++;
    if (']})'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => /^\s*([A-Za-z]+)/.exec(p)?.[1]).filter((k): k is string => !!k);
}

/** One route of a row, `previous` being the one before it in the row. */
function readRoute(part: string, previous: { method: string; path: string } | undefined) {
  const m = ROUTE.exec(part);
  const [, method, path = ''] = m ?? [];
  if (m && method) return { method, path };
  // "/unblock" after "/api/admin/users/:id/block" replaces its last segment.
  if (m && previous) return { method: previous.method, path: previous.path.replace(/\/[^/]+$/, '') + path };
  throw new Error(`protocol.md: cannot read the route "${part}"`);
}

/**
 * Every row of protocol.md's route tables (REST, Integration API, probes). A row may name
 * several routes: "POST /api/admin/users/:id/block, /unblock" or "GET /healthz, GET /readyz".
 */
export function specRoutes(markdown: string): SpecRoute[] {
  const routes: SpecRoute[] = [];
  for (const line of markdown.split('\n')) {
    const [, first = '', second = ''] = line.split('|').map((c) => c.trim());
    if (!/^(GET|POST|PUT|PATCH|DELETE) \//.test(first)) continue;
    const multipart = second.startsWith('multipart');
    const ticked = [...second.matchAll(/`([^`]+)`/g)].map(([, inTicks = '']) => inTicks);
    let previous: { method: string; path: string } | undefined;
    for (const part of first.split(',').map((p) => p.trim())) {
      const { method, path: routePath } = readRoute(part, previous);
      const body = ticked.find((t) => t.startsWith('{'));
      const fields =
        multipart || !body
          ? ticked.map((t) => /^\??([A-Za-z]+)/.exec(t)?.[1]).filter((f): f is string => !!f)
          : objectKeys(body);
      routes.push({ method, path: routePath, fields, multipart });
      previous = { method, path: routePath };
    }
  }
  return routes;
}
