import { ExternalIdParam, IntegrationCareTeamInput } from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { CareTeamAnswer } from '../docs/extension-shapes.js';
import { documented, json } from '../docs/route-docs.js';
import { parse } from '../http/parse.js';
import { serviceKeyHook, serviceOrigin } from '../integration/service-key.js';
import type { CareTeamsService } from './care-teams.service.js';

const doc = documented('integration');

/** The host platform sets each doctor's care team (the batch route takes teams too, integration.http.ts). */
export function registerCareTeamRoutes(app: FastifyInstance, config: Config, careTeams: CareTeamsService): void {
  const service = { onRequest: serviceKeyHook(config) };

  const put = doc({
    summary: "Replace a doctor's care team (extension: care teams)",
    description:
      'Members (STAFF or other DOCTORs, active, never the doctor itself) take part in every conversation of the ' +
      'doctor at once, its history readable but not unread; a member left out loses access at once, and their ' +
      'devices get `conversation:removed`. An empty list ends the team.',
    params: ExternalIdParam,
    body: json(IntegrationCareTeamInput),
    answers: { 200: { description: 'The team now, its member ids sorted', content: json(CareTeamAnswer) } },
    errors: ['NOT_FOUND'],
  });
  app.put('/api/integration/doctors/:id/care-team', { ...service, ...put }, async (req) =>
    careTeams.put(parse(ExternalIdParam, req.params).id, parse(IntegrationCareTeamInput, req.body), serviceOrigin(req)),
  );
}
