import type { OpenApiDocument } from './openapi.js';

/**
 * The document as a plain HTML page: operations grouped by tag, schemas as formatted JSON.
 * No script and no inline style, so it needs nothing from outside and passes our CSP as is;
 * links between operations and schemas are in-page anchors.
 */
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Backticks in descriptions become <code>, after escaping. */
const text = (s: unknown) => (typeof s === 'string' ? escape(s).replace(/`([^`]+)`/g, '<code>$1</code>') : '');

const SCHEMA_REF = /#\/components\/schemas\/([A-Za-z0-9_]+)/g;
const schemaLink = (name: string) => `<a href="#schema-${escape(name)}">${escape(name)}</a>`;
const refName = (schema: unknown) => String((schema as { $ref?: string } | undefined)?.$ref ?? '').replace('#/components/schemas/', '');

/** Pretty JSON whose `$ref`s link to the schemas they name. */
const pre = (value: unknown) =>
  `<pre>${escape(JSON.stringify(value, null, 2)).replace(SCHEMA_REF, (_m, name: string) => `#/components/schemas/${schemaLink(name)}`)}</pre>`;

type Media = Record<string, { schema?: unknown }>;
const media = (content: unknown) =>
  Object.entries((content ?? {}) as Media)
    .map(([type, m]) => `${escape(type)}: ${schemaLink(refName(m.schema))}`)
    .join('<br>');

function operationHtml(method: string, path: string, op: Record<string, any>, doc: OpenApiDocument): string {
  const security = (op.security as Record<string, unknown>[]).map((s) => Object.keys(s).join(' + ')).join(' or ') || 'none';
  const params = (op.parameters ?? []) as Record<string, any>[];
  const body = op.requestBody?.content as Media | undefined;
  const bodySchemas = Object.values(body ?? {}).map((m) => refName(m.schema));
  return [
    `<section id="${escape(op.operationId)}">`,
    `<h3><code>${method.toUpperCase()} ${escape(path)}</code></h3>`,
    `<p>${text(op.summary)}</p>`,
    op.description ? `<p>${text(op.description)}</p>` : '',
    `<p>Security: ${escape(security)}</p>`,
    params.length
      ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${params
          .map((p) => `<tr><td><code>${escape(p.name)}</code></td><td>${escape(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${escape(JSON.stringify(p.schema))}</code>${p.description ? `<br>${text(p.description)}` : ''}</td></tr>`)
          .join('')}</table>`
      : '',
    body ? `<h4>Request body</h4><p>${media(body)}</p>${bodySchemas.map((name) => `<details><summary>${escape(name)}</summary>${pre(doc.components.schemas[name])}</details>`).join('')}` : '',
    `<h4>Responses</h4><table><tr><th>status</th><th>meaning</th><th>body</th></tr>${Object.entries(op.responses as Record<string, any>)
      .map(([status, r]) => `<tr><td>${escape(status)}</td><td>${text(r.description)}</td><td>${media(r.content)}</td></tr>`)
      .join('')}</table>`,
    '</section>',
  ].join('\n');
}

export function renderDocsPage(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>(doc.tags.map((t) => [t.name, []]));
  const index: string[] = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags as string[])[0]!;
      byTag.get(tag)?.push(operationHtml(method, path, op, doc));
    }
  for (const t of doc.tags) index.push(`<li><a href="#tag-${escape(t.name)}">${escape(t.name)}</a>: ${text(t.description)}</li>`);
  const schemes = Object.entries(doc.components.securitySchemes).map(([name, s]) => `<dt><code>${escape(name)}</code></dt><dd>${text(s.description)}</dd>`);
  const schemas = Object.entries(doc.components.schemas).map(([name, s]) => `<section id="schema-${escape(name)}"><h3>${escape(name)}</h3>${pre(s)}</section>`);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(String(doc.info.title))}</title></head>
<body>
<h1>${escape(String(doc.info.title))} (OpenAPI ${escape(doc.openapi)})</h1>
<p>${text(doc.info.description)}</p>
<p>Machine-readable: <a href="/api/docs/openapi.json">/api/docs/openapi.json</a></p>
<ul>${index.join('')}<li><a href="#schemas">schemas</a></li></ul>
<h2>Security</h2><dl>${schemes.join('')}</dl>
${doc.tags.map((t) => `<h2 id="tag-${escape(t.name)}">${escape(t.name)}</h2>\n${(byTag.get(t.name) ?? []).join('\n')}`).join('\n')}
<h2 id="schemas">Schemas</h2>
${schemas.join('\n')}
</body>
</html>
`;
}
