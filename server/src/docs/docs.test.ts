import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ERROR_STATUS,
  ConversationPageSchema,
  ErrorResponseSchema,
  MessagePageSchema,
  AuditEventPageSchema,
} from '@carechat/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAdmin, createPair, sendText } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';
import { openApiPath } from './openapi.js';
import { specRoutes } from './route-tables.js';

const t = useTestApp();

/**
 * The wire contract the document must cover; its route tables are read at test time. The
 * team's shared spec when it sits beside the repository, else the copy committed with the
 * protocol package (a clean clone elsewhere).
 */
const PROTOCOL_MD = [
  process.env.CARECHAT_PROTOCOL_MD,
  fileURLToPath(new URL('../../../../shared/spec/protocol.md', import.meta.url)),
  fileURLToPath(new URL('../../../protocol/spec/protocol.md', import.meta.url)),
].find((p): p is string => !!p && existsSync(p))!;
const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

let doc: any;
beforeAll(async () => {
  const res = await t.anon.get('/api/docs/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = res.body;
});

/**
 * "METHOD /path/{param}" of every route the server registered (Fastify's onRoute, docs/routes.ts),
 * less the CORS preflight (`OPTIONS *`, see http/cors.ts) and the built web app's files.
 */
const served = () =>
  t.app.routes
    .filter((r) => `${r.method} ${r.url}` !== 'OPTIONS *' && !existsSync(path.join(WEB_DIST, r.url)))
    .map((r) => `${r.method} ${openApiPath(r.url)}`);

const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([p, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${p}`, op })),
  );

/** A component by its `$ref`; fails when the reference points nowhere. */
function resolve(schema: any): any {
  if (!schema?.$ref) return schema;
  const name = String(schema.$ref).replace('#/components/schemas/', '');
  expect(doc.components.schemas, `$ref ${schema.$ref}`).toHaveProperty([name]);
  return doc.components.schemas[name];
}

describe('the OpenAPI document', () => {
  it('is an OpenAPI 3 document whose references all resolve', () => {
    expect(String(doc.openapi)).toMatch(/^3\./);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(Object.keys(doc.paths).length).toBeGreaterThan(20);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearerToken', 'serviceKey', 'sessionCookie']);
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const r of new Set(refs)) resolve({ $ref: r.slice(8, -1) });
    const ids = operations().map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { key, op } of operations())
      for (const s of op.security)
        for (const scheme of Object.keys(s)) expect(doc.components.securitySchemes, key).toHaveProperty([scheme]);
  });

  it('documents every route of protocol.md, with the fields and credentials it names', () => {
    const spec = specRoutes(readFileSync(PROTOCOL_MD, 'utf8'));
    // The tables as of v1: 21 REST rows (one of them two routes), 3 integration routes, 2 probes.
    expect(spec.length).toBeGreaterThanOrEqual(26);
    for (const route of spec) {
      const key = `${route.method} ${route.path}`;
      const op = doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
      expect(op, `${key} is not documented`).toBeDefined();
      const params = (op.parameters ?? []).map((p: any) => `${p.in}:${p.name}`);
      for (const name of route.path.match(/:\w+/g) ?? []) expect(params, key).toContain(`path:${name.slice(1)}`);
      if (route.multipart) {
        expect(Object.keys(resolve(op.requestBody.content['multipart/form-data'].schema).properties), key).toEqual(
          expect.arrayContaining(route.fields),
        );
      } else if (['POST', 'PUT', 'PATCH'].includes(route.method) && route.fields.length) {
        expect(Object.keys(resolve(op.requestBody.content['application/json'].schema).properties), key).toEqual(
          expect.arrayContaining(route.fields),
        );
      } else {
        for (const field of route.fields) expect(params, key).toContain(`query:${field}`);
      }
      const schemes = op.security.flatMap((s: object) => Object.keys(s));
      if (route.path.startsWith('/api/integration/')) expect(schemes, key).toEqual(['serviceKey']);
      else if (route.path.startsWith('/api/') && route.path !== '/api/auth/login')
        expect(schemes, key).toEqual(['sessionCookie', 'bearerToken']);
      else expect(schemes, key).toEqual([]);
    }
  });

  it('serves every route of protocol.md', () => {
    const spec = specRoutes(readFileSync(PROTOCOL_MD, 'utf8'));
    expect(spec.length).toBeGreaterThanOrEqual(26);
    for (const route of spec) expect(served()).toContain(`${route.method} ${openApiPath(route.path)}`);
  });

  it('asks for the credentials each route really asks for', async () => {
    // The document reads who may call a route from its onRequest hook (http/access.ts): without
    // credentials, a route documented with security answers 401 before its input is read, and
    // one documented open does not.
    const examples: Record<string, string> = { id: crypto.randomUUID(), emoji: encodeURIComponent('👍') };
    for (const { key, op } of operations()) {
      const [method, template] = key.split(' ') as [string, string];
      const url = template.replace(/\{(\w+)\}/g, (_m, name: string) => examples[name]!);
      const res = await t.anon.request(method, url, ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined);
      if (op.security.length) expect(res.status, key).toBe(401);
      else expect(res.status, key).not.toBe(401);
    }
  });

  it('documents every route the server registers, and no route it does not have', () => {
    const registered = served();
    expect(registered).toContain('POST /api/auth/login');
    expect(registered).toContain('GET /api/docs/openapi.json');
    const documented = operations().map(({ key }) => key);
    expect(
      documented.filter((r) => !registered.includes(r)),
      'documented but not served',
    ).toEqual([]);
    expect(
      registered.filter((r) => !documented.includes(r)),
      'served but not documented',
    ).toEqual([]);
  });

  it('gives every request body a schema, and every error the protocol error shape', () => {
    const error = resolve({ $ref: '#/components/schemas/ErrorResponse' });
    expect(error.properties.error.properties.code.enum).toEqual(expect.arrayContaining(Object.keys(ERROR_STATUS)));
    for (const { key, op } of operations()) {
      for (const [type, media] of Object.entries<any>(op.requestBody?.content ?? {}))
        expect(Object.keys(resolve(media.schema).properties ?? {}).length, `${key} ${type}`).toBeGreaterThan(0);
      expect(op.responses.default.content['application/json'].schema.$ref, key).toBe(
        '#/components/schemas/ErrorResponse',
      );
      for (const [status, answer] of Object.entries<any>(op.responses))
        if (/^4\d\d$/.test(status))
          expect(answer.content['application/json'].schema.$ref, `${key} ${status}`).toBe(
            '#/components/schemas/ErrorResponse',
          );
      if (op.security.length) expect(op.responses, key).toHaveProperty(['401']);
      if (op.requestBody || op.parameters?.some((p: any) => p.in === 'path'))
        expect(op.responses, key).toHaveProperty(['400']);
    }
  });

  it('describes what the server really answers', async () => {
    const { patient, conversation } = await createPair(t);
    await sendText(patient, conversation.id, 'hello from the docs test');
    const admin = await createAdmin(t);
    const answers = [
      [ConversationPageSchema, await patient.api.get('/api/chat/conversations')],
      [MessagePageSchema, await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`)],
      [AuditEventPageSchema, await admin.api.get('/api/admin/audit?limit=5')],
      [ErrorResponseSchema, await patient.api.get(`/api/chat/conversations/${crypto.randomUUID()}`)],
    ] as const;
    for (const [schema, res] of answers) expect(schema.safeParse(res.body).error).toBeUndefined();
  });
});

describe('the docs page', () => {
  it('is HTML with every operation, no script, under the usual CSP', async () => {
    const res = await t.anon.get('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = String(res.body);
    expect(html).not.toMatch(/<script|style=/i);
    for (const { key } of operations()) expect(html, key).toContain(`<code>${key.replace(/&/g, '&#38;')}</code>`);
    expect(html).toContain('id="schema-Conversation"');
  });
});
