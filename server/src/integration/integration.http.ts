import { timingSafeEqual, createHash } from 'node:crypto';
import { ExternalIdParam, IntegrationAppointmentInput, IntegrationBatchInput, IntegrationUserInput } from '@carechat/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../context.js';
import { unauthenticated } from '../errors.js';
import { bearerToken } from '../http/authenticate.js';
import { BODY_LIMITS } from '../http/body.js';
import { trustConnection } from '../http/connections.js';
import { parse } from '../http/parse.js';
import type { IntegrationService } from './integration.service.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function registerIntegrationRoutes(app: FastifyInstance, deps: Deps, integration: IntegrationService): void {
  // Without SERVICE_API_KEY the integration API is closed: no key matches.
  const serviceKey = deps.config.serviceApiKey ? digest(deps.config.serviceApiKey) : null;
  // Checked before the body is read: without the key, not a byte of a batch is parsed.
  const service = {
    onRequest: async (req: FastifyRequest) => {
      const given = bearerToken(req);
      if (!serviceKey || !given || !timingSafeEqual(digest(given), serviceKey)) throw unauthenticated('A valid service key is required');
      trustConnection(req.raw.socket);
    },
  };
  const origin = (req: FastifyRequest) => ({ ip: req.ip ?? null });

  app.put('/api/integration/users/:id', service, async (req) =>
    integration.putUser(parse(ExternalIdParam, req.params).id, parse(IntegrationUserInput, req.body), origin(req)),
  );

  app.put('/api/integration/appointments/:id', service, async (req) => {
    const { id } = parse(ExternalIdParam, req.params);
    await integration.putAppointment(id, parse(IntegrationAppointmentInput, req.body), origin(req));
    return { id };
  });

  // 10,000 items are a few MB of JSON: this route alone takes a larger body.
  app.post('/api/integration/batch', { ...service, bodyLimit: BODY_LIMITS.batch }, async (req) =>
    integration.batch(parse(IntegrationBatchInput, req.body), origin(req)),
  );
}
