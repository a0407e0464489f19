import type { FastifyInstance } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';
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
    metrics.http.observe({ method: req.method, route, status: `${Math.floor(reply.statusCode / 100)}xx` }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', async (req, reply) => {
    if (config.production && !config.metricsToken) throw notFound('No such endpoint');
    if (config.metricsToken && !sameToken(req.headers.authorization, `Bearer ${config.metricsToken}`)) throw unauthenticated('A metrics token is required');
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

function sameToken(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
