import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.js';
import { Health, Readiness } from '../docs/extension-shapes.js';
import { documented, json } from '../docs/route-docs.js';
import type { RedisLink } from '../redis/redis-link.js';

const doc = documented('operations');

/**
 * Ready means the database answers: sends commit and ack. Fan-out through Redis is reported
 * but does not make the process unready: with Redis down this process still serves its own
 * sockets and every client catches up, so taking it out of rotation would only hurt.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  deps: Deps,
  state: { shuttingDown: boolean },
  redis: RedisLink | null,
): void {
  const healthz = doc({
    summary: 'Alive',
    answers: { 200: { description: 'The process answers', content: json(Health) } },
  });
  app.get('/healthz', healthz, async () => ({ status: 'ok' }));

  const readyz = doc({
    summary: 'Ready: the database is reachable and the server is not shutting down',
    answers: {
      200: { description: 'Ready', content: json(Readiness) },
      503: { description: 'Not ready (database unreachable, or shutting down)', content: json(Readiness) },
    },
  });
  app.get('/readyz', readyz, async (_req, reply) => {
    if (state.shuttingDown) return reply.status(503).send({ status: 'shutting-down' });
    try {
      await deps.db.query('SELECT 1');
      // Under WORKERS=N, which worker answered (operators and tests see the spread).
      const worker = cluster.worker ? { worker: cluster.worker.id } : {};
      return { status: 'ready', database: 'ok', fanout: fanoutState(redis), ...worker };
    } catch {
      return reply.status(503).send({ status: 'unavailable', database: 'unreachable', fanout: fanoutState(redis) });
    }
  });
}

/** 'local': one process, no Redis configured; 'degraded': Redis configured but unreachable. */
function fanoutState(redis: RedisLink | null): 'local' | 'ok' | 'degraded' {
  if (!redis) return 'local';
  return redis.isHealthy ? 'ok' : 'degraded';
}
