import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

/** Readers of the two route lists docs.test.ts holds the document against. */

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
    if (ch === ',' && depth === 0) (parts.push(current), (current = ''));
    else current += ch;
  }
  parts.push(current);
  return parts.map((p) => /^\s*([A-Za-z]+)/.exec(p)?.[1]).filter((k): k is string => !!k);
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
    const ticked = [...second.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    let previous: { method: string; path: string } | undefined;
    for (const part of first.split(',').map((p) => p.trim())) {
      const m = ROUTE.exec(part);
      if (!m || (!m[1] && !previous)) throw new Error(`protocol.md: cannot read the route "${part}"`);
      const method = m[1] ?? previous!.method;
      // "/unblock" after "/api/admin/users/:id/block" replaces its last segment.
      const routePath = m[1] ? m[2]! : previous!.path.replace(/\/[^/]+$/, '') + m[2]!;
      const body = ticked.find((t) => t.startsWith('{'));
      const fields = multipart || !body ? ticked.map((t) => /^\??([A-Za-z]+)/.exec(t)?.[1]).filter((f): f is string => !!f) : objectKeys(body);
      routes.push({ method, path: routePath, fields, multipart });
      previous = { method, path: routePath };
    }
  }
  return routes;
}

/**
 * "METHOD /path" for every route Fastify has, read from `printRoutes({ commonPrefix: false })`:
 * a tree whose lines are `│   ├── /segment (GET, HEAD)`, each segment continuing its parent's.
 * HEAD (added for every GET), the CORS preflight (`OPTIONS *`, see http/cors.ts) and the built
 * web app's files are left out.
 */
export function registeredRoutes(app: FastifyInstance, webDist: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!m) continue;
    stack.length = m[1]!.length / 4;
    stack.push(m[2]!);
    const routePath = stack.join('');
    if (existsSync(path.join(webDist, routePath))) continue;
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim()))
      if (method && method !== 'HEAD' && `${method} ${routePath}` !== 'OPTIONS *') routes.push(`${method} ${routePath}`);
  }
  return routes;
}
