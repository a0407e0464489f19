import type { FastifyInstance } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';
import { PrometheusText } from '../docs/extension-shapes.js';
import { documented } from '../docs/route-docs.js';
import { notFound, unauthenticated } from '../errors.js';
import type { Metrics } from './metrics.js';

/**
 * GET /metrics in Prometheus text format, and the timing of every HTTP request. With
 * METRICS_TOKEN set, scrapers must send it as a bearer token (the figures hold no health
 * data, but they tell an outsider how busy a clinic is and when). In production without a
 * token the endpoint does not exist: it is never public by omission.
 */
export function registerMetricsRoutes(app: FastifyInstance, config: Config, metrics: Metrics): void {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.http.observe(
      { method: req.method, route, status: `${Math.floor(reply.statusCode / 100)}xx` },
      reply.elapsedTime / 1000,
    );
  });

  const docs = documented('operations')({
    summary: 'Prometheus metrics of this process (text exposition format); a bearer token when METRICS_TOKEN is set',
    description:
      'Sockets connected, socket events from receipt to ack by event and outcome (chat:message is the send), ' +
      'events fanned out, HTTP request times by route, database pool use and query time, event-loop delay, heap, ' +
      'and Redis fan-out health.',
    answers: { 200: { description: 'Metrics', content: { 'text/plain': PrometheusText } } },
  });
  app.get('/metrics', docs, async (req, reply) => {
    if (config.production && !config.metricsToken) throw notFound('No such endpoint');
    if (config.metricsToken && !sameToken(req.headers.authorization, `Bearer ${config.metricsToken}`))
      throw unauthenticated('A metrics token is required');
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

function sameToken(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
