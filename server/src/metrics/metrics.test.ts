import { describe, expect, inject, it } from 'vitest';
import { freshDatabase, startTestApp } from '../test/app.js';
import { clientId, createPair } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';
import { HttpClient } from '../test/http-client.js';
import { spawnServer } from '../test/server-process.js';

const t = useTestApp();

type Sample = { name: string; labels: Record<string, string>; value: number };

/**
 * Parses Prometheus text exposition strictly enough to fail on a malformed line: HELP and
 * TYPE comments, then `name{label="value",...} number` samples.
 */
function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  const typed = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (comment) {
      if (comment[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(comment[3]);
        typed.add(comment[2]!);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|[Nn]a[Nn]|\+Inf|-Inf)$/.exec(line);
    expect(m, `not a Prometheus sample: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const [, k, v] of m![2]?.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g) ?? []) labels[k!] = v!;
    const base = m![1]!.replace(/_(bucket|sum|count|total)$/, '');
    expect(typed.has(m![1]!) || typed.has(base), `sample ${m![1]} has no TYPE`).toBe(true);
    samples.push({ name: m![1]!, labels, value: Number(m![3]) });
  }
  return samples;
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);

describe('/metrics', () => {
  it('is Prometheus text, and moves when messages flow', async () => {
    const scrape = async () => {
      const res = await fetch(`${t.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      return parsePrometheus(await res.text());
    };
    const before = await scrape();
    const { patient, doctor, conversation } = await createPair(t);
    const p = await t.connect(patient.token);
    const d = await t.connect(doctor.token);
    for (let i = 0; i < 3; i++) {
      const ack = await p.emitAck('chat:message', {
        conversationId: conversation.id,
        clientMessageId: clientId(),
        content: `Counted ${i}`,
      });
      expect(ack.ok).toBe(true);
      await d.waitFor('chat:message', (m) => m.id === ack.message.id);
    }
    const refused = await p.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: '',
    });
    expect(refused.ok).toBe(false);
    const after = await scrape();

    const sends = { event: 'chat:message', outcome: 'ok' };
    expect(
      value(after, 'carechat_socket_event_seconds_count', sends) -
        value(before, 'carechat_socket_event_seconds_count', sends),
    ).toBe(3);
    expect(
      value(after, 'carechat_socket_event_seconds_count', { event: 'chat:message', outcome: 'VALIDATION_FAILED' }),
    ).toBeGreaterThanOrEqual(1);
    expect(value(after, 'carechat_socket_event_seconds_sum', sends)).toBeGreaterThan(
      value(before, 'carechat_socket_event_seconds_sum', sends),
    );
    expect(
      value(after, 'carechat_events_emitted_total', { event: 'chat:message', fanout: 'local' }) -
        value(before, 'carechat_events_emitted_total', { event: 'chat:message', fanout: 'local' }),
    ).toBe(3);
    expect(value(after, 'carechat_sockets_connected')).toBeGreaterThanOrEqual(2);
    expect(value(after, 'carechat_db_pool_clients', { state: 'total' })).toBeGreaterThan(0);
    expect(value(after, 'carechat_db_query_seconds_count')).toBeGreaterThan(
      value(before, 'carechat_db_query_seconds_count'),
    );
    // The sends' own pool is timed too: each of the three sends is at least one statement on it.
    const sendPool = { pool: 'send' };
    expect(
      value(after, 'carechat_db_query_seconds_count', sendPool) -
        value(before, 'carechat_db_query_seconds_count', sendPool),
    ).toBeGreaterThanOrEqual(3);
    // Routes are labelled as registered: ids never become label values.
    const routes = after.filter((s) => s.name === 'carechat_http_request_seconds_count').map((s) => s.labels.route);
    expect(routes).toContain('/api/chat/conversations');
    expect(routes.every((r) => !r?.includes(conversation.id))).toBe(true);
    expect(after.some((s) => s.name.startsWith('carechat_process_nodejs_eventloop_lag'))).toBe(true);
    expect(after.some((s) => s.name === 'carechat_fanout_healthy')).toBe(false);
    // A forced GC on every scrape is for benchmarks alone, never a running service.
    expect(after.some((s) => s.name === 'carechat_heap_used_after_gc_bytes')).toBe(false);
  });

  it('gives the heap after a full GC when node runs with --expose-gc (the soak benchmark)', async () => {
    const server = await spawnServer({ DATABASE_URL: inject('databaseUrl'), NODE_OPTIONS: '--expose-gc' });
    try {
      const heap = value(
        parsePrometheus(await (await fetch(`${server.url}/metrics`)).text()),
        'carechat_heap_used_after_gc_bytes',
      );
      const used = value(
        parsePrometheus(await (await fetch(`${server.url}/metrics`)).text()),
        'carechat_process_nodejs_heap_size_used_bytes',
      );
      expect(heap).toBeGreaterThan(5 * 1024 * 1024);
      expect(heap).toBeLessThan(used * 1.5);
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }, 120_000);

  it('wants the token when METRICS_TOKEN is set', async () => {
    const guarded = await startTestApp({ METRICS_TOKEN: 'scrape-token-0123456789' });
    try {
      expect((await guarded.anon.get('/metrics')).status).toBe(401);
      expect((await new HttpClient(guarded.url, 'wrong-token-0123456789').get('/metrics')).status).toBe(401);
      const ok = await fetch(`${guarded.url}/metrics`, {
        headers: { authorization: 'Bearer scrape-token-0123456789' },
      });
      expect(ok.status).toBe(200);
      expect(parsePrometheus(await ok.text()).length).toBeGreaterThan(10);
    } finally {
      await guarded.close();
    }
  });

  it('is closed in production unless METRICS_TOKEN is set, then wants the token', async () => {
    const db = await freshDatabase();
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      MASTER_KEY: '3f9a1c7e5b2d8f604a1e9c3b7d5f2a8e6c4b0d9f1a3e5c7b9d2f4a6c8e0b1d3f',
      AUTH_JWT_SECRET: 'a-production-length-secret-0123456789abcdef',
      TRUST_PROXY: 'true',
    };
    try {
      for (const env of [production, { ...production, METRICS_TOKEN: 'scrape-token-0123456789' }]) {
        const app = await startTestApp(env);
        try {
          const anonymous = await app.anon.get('/metrics');
          if ('METRICS_TOKEN' in env) {
            expect(anonymous.status).toBe(401);
            const ok = await fetch(`${app.url}/metrics`, {
              headers: { authorization: 'Bearer scrape-token-0123456789' },
            });
            expect(ok.status).toBe(200);
            expect(parsePrometheus(await ok.text()).length).toBeGreaterThan(10);
          } else {
            expect(anonymous.status).toBe(404);
            expect(anonymous.body).toEqual({ error: { code: 'NOT_FOUND', message: 'No such endpoint' } });
            // Not even a guessed token opens it.
            expect((await new HttpClient(app.url, 'scrape-token-0123456789').get('/metrics')).status).toBe(404);
          }
        } finally {
          await app.close();
        }
      }
    } finally {
      await db.drop();
    }
  });
});
