import {
  ExternalIdParam,
  IntegrationAppointmentInput,
  IntegrationBatchInput,
  IntegrationBatchResultSchema,
  IntegrationUserInput,
  UserSchema,
} from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.js';
import { AppointmentAck } from '../docs/extension-shapes.js';
import { documented, json } from '../docs/route-docs.js';
import { BODY_LIMITS } from '../http/body.js';
import { parse } from '../http/parse.js';
import type { IntegrationService } from './integration.service.js';
import { serviceKeyHook, serviceOrigin } from './service-key.js';

const doc = documented('integration');

export function registerIntegrationRoutes(app: FastifyInstance, deps: Deps, integration: IntegrationService): void {
  const service = { onRequest: serviceKeyHook(deps.config) };
  const origin = serviceOrigin;

  const putUser = doc({
    summary: "Create or replace a person, under the host platform's id",
    description:
      'Blocking or deleting a user takes effect at once: sends are refused and their sockets are disconnected.',
    params: ExternalIdParam,
    body: json(IntegrationUserInput),
    answers: { 200: { description: 'The user', content: json(UserSchema) } },
  });
  app.put('/api/integration/users/:id', { ...service, ...putUser }, async (req) =>
    integration.putUser(parse(ExternalIdParam, req.params).id, parse(IntegrationUserInput, req.body), origin(req)),
  );

  const putAppointment = doc({
    summary: 'Create or replace an appointment; a conversation needs one that is not cancelled',
    params: ExternalIdParam,
    body: json(IntegrationAppointmentInput),
    answers: { 200: { description: 'Stored', content: json(AppointmentAck) } },
  });
  app.put('/api/integration/appointments/:id', { ...service, ...putAppointment }, async (req) => {
    const { id } = parse(ExternalIdParam, req.params);
    await integration.putAppointment(id, parse(IntegrationAppointmentInput, req.body), origin(req));
    return { id };
  });

  // 10,000 items are a few MB of JSON: this route alone takes a larger body.
  const batch = doc({
    summary: 'Many users, appointments and care teams in one transaction (up to 10,000 items, a body of up to 32 MB)',
    body: json(IntegrationBatchInput),
    answers: { 200: { description: 'How many of each were written', content: json(IntegrationBatchResultSchema) } },
  });
  app.post('/api/integration/batch', { ...service, bodyLimit: BODY_LIMITS.batch, ...batch }, async (req) =>
    integration.batch(parse(IntegrationBatchInput, req.body), origin(req)),
  );
}
