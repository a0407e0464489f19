import type { MediaObjects, OpenApiDocument, OperationObject, ParameterObject } from './openapi.js';

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
const refName = (schema: unknown) =>
  String((schema as { $ref?: string } | undefined)?.$ref ?? '').replace('#/components/schemas/', '');

/** Pretty JSON whose `$ref`s link to the schemas they name. */
const refLink = (_ref: string, name: string) => `#/components/schemas/${schemaLink(name)}`;
const pre = (value: unknown) => `<pre>${escape(JSON.stringify(value, null, 2)).replace(SCHEMA_REF, refLink)}</pre>`;

const media = (content: MediaObjects | undefined) =>
  Object.entries(content ?? {})
    .map(([type, m]) => `${escape(type)}: ${schemaLink(refName(m.schema))}`)
    .join('<br>');

const parameterRow = (p: ParameterObject) =>
  `<tr><td><code>${escape(p.name)}</code></td><td>${escape(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td>` +
  `<td><code>${escape(JSON.stringify(p.schema))}</code>${p.description ? `<br>${text(p.description)}` : ''}</td></tr>`;

function operationHtml(method: string, path: string, op: OperationObject, doc: OpenApiDocument): string {
  const security = op.security.map((s) => Object.keys(s).join(' + ')).join(' or ') || 'none';
  const params = op.parameters ?? [];
  const body = op.requestBody?.content;
  const bodySchemas = Object.values(body ?? {}).map((m) => refName(m.schema));
  const bodySchemaHtml = bodySchemas
    .map((name) => `<details><summary>${escape(name)}</summary>${pre(doc.components.schemas[name])}</details>`)
    .join('');
  const responseRows = Object.entries(op.responses)
    .map(
      ([status, r]) => `<tr><td>${escape(status)}</td><td>${text(r.description)}</td><td>${media(r.content)}</td></tr>`,
    )
    .join('');
  return [
    `<section id="${escape(op.operationId)}">`,
    `<h3><code>${method.toUpperCase()} ${escape(path)}</code></h3>`,
    `<p>${text(op.summary)}</p>`,
    op.description ? `<p>${text(op.description)}</p>` : '',
    `<p>Security: ${escape(security)}</p>`,
    params.length
      ? '<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>' +
        `${params.map(parameterRow).join('')}</table>`
      : '',
    body ? `<h4>Request body</h4><p>${media(body)}</p>${bodySchemaHtml}` : '',
    `<h4>Responses</h4><table><tr><th>status</th><th>meaning</th><th>body</th></tr>${responseRows}</table>`,
    '</section>',
  ].join('\n');
}

const VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">';

export function renderDocsPage(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>(doc.tags.map((t) => [t.name, []]));
  const index: string[] = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item)) {
      byTag.get(op.tags[0])?.push(operationHtml(method, path, op, doc));
    }
  for (const t of doc.tags)
    index.push(`<li><a href="#tag-${escape(t.name)}">${escape(t.name)}</a>: ${text(t.description)}</li>`);
  const schemes = Object.entries(doc.components.securitySchemes).map(
    ([name, s]) => `<dt><code>${escape(name)}</code></dt><dd>${text(s.description)}</dd>`,
  );
  const schemas = Object.entries(doc.components.schemas).map(
    ([name, s]) => `<section id="schema-${escape(name)}"><h3>${escape(name)}</h3>${pre(s)}</section>`,
  );
  const title = escape(String(doc.info.title));
  const tagSections = doc.tags.map(
    (t) => `<h2 id="tag-${escape(t.name)}">${escape(t.name)}</h2>\n${(byTag.get(t.name) ?? []).join('\n')}`,
  );
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8">${VIEWPORT}<title>${title}</title></head>
<body>
<h1>${title} (OpenAPI ${escape(doc.openapi)})</h1>
<p>${text(doc.info.description)}</p>
<p>Machine-readable: <a href="/api/docs/openapi.json">/api/docs/openapi.json</a></p>
<ul>${index.join('')}<li><a href="#schemas">schemas</a></li></ul>
<h2>Security</h2><dl>${schemes.join('')}</dl>
${tagSections.join('\n')}
<h2 id="schemas">Schemas</h2>
${schemas.join('\n')}
</body>
</html>
`;
}
