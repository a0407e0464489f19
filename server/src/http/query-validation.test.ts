import { describe, expect, it } from 'vitest';
import { uniqueId } from '../test/app.js';
import { createAdmin, createPair, type Pair, type TestUser } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';
import type { HttpClient } from '../test/http-client.js';

const t = useTestApp();

type Json = Record<string, any>;
interface QueryParameter {
  name: string;
  required: boolean;
  schema: Json;
}
interface QueryRoute {
  method: string;
  path: string;
  admin: boolean;
  params: QueryParameter[];
}

const cursorOf = (content: unknown) => Buffer.from(JSON.stringify(content)).toString('base64url');
const dashes = '-'.repeat(36);

/** What a careless or hostile client puts in a query string, as raw `name=value` text. */
const JUNK: [label: string, query: (name: string) => string][] = [
  ['a date in year 0', (n) => `${n}=0000-01-01T00:00:00Z`],
  ['a date that is not one', (n) => `${n}=May%201`],
  ['36 dashes', (n) => `${n}=${dashes}`],
  ['a huge number', (n) => `${n}=99999999999999999999999`],
  ['a negative number', (n) => `${n}=-1`],
  ['an array', (n) => `${n}=1&${n}=2`],
  ['an empty value', (n) => `${n}=`],
  ['NUL', (n) => `${n}=%00`],
  ['a cursor holding year 0 and 36 dashes', (n) => `${n}=${cursorOf(['0000-01-01 00:00:00+00', dashes])}`],
  ['a cursor holding "May 1"', (n) => `${n}=${cursorOf(['May 1', crypto.randomUUID()])}`],
];

/** Valid values for the parameters a route cannot do without, so the junk is the only fault. */
const VALID: Record<string, string> = {
  since: '0',
  from: '2026-01-01T00:00:00Z',
  to: '2026-01-02T00:00:00Z',
  endpoint: 'https://fcm.googleapis.com/fcm/send/nothing-here',
  scope: 'self',
  q: 'Ann',
};

/**
 * A parameter any text is a fair value of (a name search, an admin's reason): junk may be answered, not only
 * refused.
 */
const isFreeText = (schema: Json) => schema.type === 'string' && !schema.format && !schema.pattern && !schema.enum;

/**
 * Every API route of the document the server builds (and docs.test.ts holds to its routes) that takes query
 * parameters. Not the /embed page: its parameters are the page's to check, and the protocol has it show its error
 * in the frame (embed.test.ts), not answer one.
 */
async function queryRoutes(): Promise<QueryRoute[]> {
  const doc = (await t.anon.get('/api/docs/openapi.json')).body as { paths: Record<string, Record<string, Json>> };
  const routes: QueryRoute[] = [];
  for (const [path, item] of Object.entries(doc.paths).filter(([p]) => p.startsWith('/api/')))
    for (const [method, op] of Object.entries(item)) {
      const params = ((op.parameters ?? []) as Json[])
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, required: p.required, schema: p.schema }));
      if (params.length)
        routes.push({ method: method.toUpperCase(), path, admin: path.startsWith('/api/admin/'), params });
    }
  return routes;
}

/**
 * Path parameters: the caller's own conversation where that lets the junk get further; ids
 * that match nothing on admin routes, some of which (block, shred) act on what they name.
 */
function concretePath(path: string, pair: Pair): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (path.startsWith('/api/chat/conversations/')) return pair.conversation.id;
    if (path.startsWith('/api/admin/users/')) return uniqueId('nobody');
    return name === 'id' ? crypto.randomUUID() : uniqueId(name);
  });
}

describe('every query parameter of every route', () => {
  it('answers junk with 400 VALIDATION_FAILED and the protocol error body, never 500', async () => {
    const routes = await queryRoutes();
    // The walk covers what the server has: conversation lists, paging, syncs, deletes, audit, push.
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'GET /api/chat/conversations',
        'GET /api/chat/conversations/{id}/messages',
        'GET /api/chat/conversations/{id}/changes',
        'GET /api/admin/audit',
      ]),
    );
    const pair = await createPair(t);
    const admin: TestUser = await createAdmin(t);
    const failures: string[] = [];
    for (const route of routes) {
      const api: HttpClient = route.admin ? admin.api : pair.patient.api;
      for (const param of route.params) {
        const others = route.params.filter((p) => p.required && p.name !== param.name);
        for (const p of others)
          expect(VALID[p.name], `a valid value for the required ${p.name} of ${route.path}`).toBeDefined();
        // The ten kinds of junk for one parameter at once: the walk grows with the API (400+ requests).
        await Promise.all(
          JUNK.map(async ([label, junk]) => {
            const query = [
              ...others.map((p) => `${p.name}=${encodeURIComponent(VALID[p.name]!)}`),
              junk(param.name),
            ].join('&');
            const url = `${concretePath(route.path, pair)}?${query}`;
            const res = await api.request(route.method, url);
            const refused =
              res.status === 400 &&
              res.body?.error?.code === 'VALIDATION_FAILED' &&
              typeof res.body.error.message === 'string';
            // Free text may be searched for; everything else, and an array anywhere, must be refused.
            const mayAnswer = isFreeText(param.schema) && label !== 'an array';
            const ok = refused || (mayAnswer && res.status < 500 && (res.status !== 400 || refused));
            if (!ok)
              failures.push(
                `${route.method} ${url} (${param.name}: ${label}) → ` +
                  `${res.status} ${JSON.stringify(res.body).slice(0, 120)}`,
              );
          }),
        );
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('holds dates in bodies to the same rule: year 0 is VALIDATION_FAILED, not a 500', async () => {
    const { patient, doctor } = await createPair(t);
    for (const startsAt of ['0000-01-01T00:00:00Z', 'May 1', '2026-02-30T10:00:00Z']) {
      const res = await t.service.put(`/api/integration/appointments/${uniqueId('appt')}`, {
        patientId: patient.id,
        doctorId: doctor.id,
        startsAt,
        status: 'scheduled',
      });
      expect(res.status, startsAt).toBe(400);
      expect(res.body.error.code, startsAt).toBe('VALIDATION_FAILED');
    }
  });

  it('still pages with the cursors the server gives out', async () => {
    const first = await createPair(t);
    const doctor = first.doctor;
    for (let i = 0; i < 2; i++) {
      const other = await createPair(t);
      await t.service.put(`/api/integration/appointments/${uniqueId('appt')}`, {
        patientId: other.patient.id,
        doctorId: doctor.id,
        startsAt: new Date().toISOString(),
        status: 'scheduled',
      });
      expect((await doctor.api.post('/api/chat/conversations', { participantId: other.patient.id })).status).toBe(201);
    }
    const page1 = await doctor.api.get('/api/chat/conversations?limit=2');
    expect(page1.status).toBe(200);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await doctor.api.get(`/api/chat/conversations?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.status).toBe(200);
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.data[0].id).not.toBe(page1.body.data[0].id);
  });
});
