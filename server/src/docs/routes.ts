import type { FastifyInstance } from 'fastify';
import { accessOf, type Access } from '../http/access.js';
import type { RouteDocs } from './route-docs.js';

/** A route as Fastify registered it: the API document and the route tests are built from these. */
export interface RegisteredRoute {
  method: string;
  /** As registered: `/api/chat/conversations/:id`. */
  url: string;
  access: Access;
  docs: RouteDocs | undefined;
}

/**
 * Records every route as it is registered (Fastify's onRoute hook). Called on the root
 * instance before any plugin or route, so the hook reaches every one of them. HEAD routes are
 * the twins Fastify adds to each GET, and are left out.
 */
export function collectRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    const access = accessOf(route.onRequest);
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: route.url, access, docs: route.config?.docs });
  });
  return routes;
}
