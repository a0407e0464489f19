import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.js';

export function registerHealthRoutes(app: FastifyInstance, deps: Deps, state: { shuttingDown: boolean }): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    if (state.shuttingDown) return reply.status(503).send({ status: 'shutting-down' });
    try {
      await deps.db.query('SELECT 1');
      return { status: 'ready', database: 'ok' };
    } catch {
      return reply.status(503).send({ status: 'unavailable', database: 'unreachable' });
    }
  });
}
