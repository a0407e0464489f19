import {
  CLINICIAN_ROLES,
  ExternalIdParam,
  IdParam,
  SavedReplyInput,
  SavedReplyListSchema,
  SavedReplyPatch,
  SavedReplySchema,
  SavedReplySetInput,
} from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { documented, json } from '../docs/route-docs.js';
import { actorOf, type Authenticate } from '../http/authenticate.js';
import { BODY_LIMITS } from '../http/body.js';
import { parse } from '../http/parse.js';
import { serviceKeyHook, serviceOrigin } from '../integration/service-key.js';
import type { SavedRepliesService } from './saved-replies.service.js';

const doc = documented('saved-replies');
const integrationDoc = documented('integration');
const PLACEHOLDERS =
  'A body may hold `{patient.firstName}` and `{doctor.name}`, which the client fills in when it inserts the reply.';

/** Saved replies: a clinician's own (managed here) and the shared set (managed by the host platform). */
export function registerSavedReplyRoutes(
  app: FastifyInstance,
  config: Config,
  savedReplies: SavedRepliesService,
  authenticate: Authenticate,
): void {
  // Clinicians only: patients never see or use saved replies, and admins take part in no conversation.
  const doctor = { onRequest: authenticate(...CLINICIAN_ROLES) };
  const service = { onRequest: serviceKeyHook(config) };
  const list = (data: unknown) => ({ data });

  const get = doc({
    summary: "The caller's own saved replies and the shared ones, by name",
    description: `\`scope\`: \`mine\` (the caller's, which they manage) or \`team\` (shared). ${PLACEHOLDERS}`,
    answers: { 200: { description: 'Saved replies', content: json(SavedReplyListSchema) } },
  });
  app.get('/api/me/saved-replies', { ...doctor, ...get }, async (req) => list(await savedReplies.list(actorOf(req))));

  const create = doc({
    summary: 'Keeps a new saved reply of the caller’s own',
    description: `A name is unique among the caller's own, whatever its case (CONFLICT). ${PLACEHOLDERS}`,
    body: json(SavedReplyInput),
    answers: { 201: { description: 'The saved reply', content: json(SavedReplySchema) } },
    errors: ['CONFLICT'],
  });
  app.post('/api/me/saved-replies', { ...doctor, bodyLimit: BODY_LIMITS.message, ...create }, async (req, reply) =>
    reply.status(201).send(await savedReplies.create(actorOf(req), parse(SavedReplyInput, req.body))),
  );

  const update = doc({
    summary: 'Renames or rewrites one of the caller’s own saved replies',
    description: 'A shared one is FORBIDDEN (the host platform manages those); anyone else’s is NOT_FOUND.',
    params: IdParam,
    body: json(SavedReplyPatch),
    answers: { 200: { description: 'The saved reply', content: json(SavedReplySchema) } },
    errors: ['CONFLICT', 'NOT_FOUND'],
  });
  app.patch('/api/me/saved-replies/:id', { ...doctor, bodyLimit: BODY_LIMITS.message, ...update }, async (req) =>
    savedReplies.update(actorOf(req), parse(IdParam, req.params).id, parse(SavedReplyPatch, req.body)),
  );

  const remove = doc({
    summary: 'Removes one of the caller’s own saved replies',
    description: 'A shared one is FORBIDDEN; anyone else’s is NOT_FOUND.',
    params: IdParam,
    answers: { 204: { description: 'Removed' } },
    errors: ['NOT_FOUND'],
  });
  app.delete('/api/me/saved-replies/:id', { ...doctor, ...remove }, async (req, reply) => {
    await savedReplies.remove(actorOf(req), parse(IdParam, req.params).id);
    return reply.status(204).send();
  });

  const putShared = integrationDoc({
    summary: 'Replaces the shared saved replies every clinician sees (an empty list removes them all)',
    description:
      'Until care teams exist this is the organisation’s one shared set. A reply whose name (case aside) was ' +
      `there keeps its id. Two replies with one name: CONFLICT, nothing changed. ${PLACEHOLDERS}`,
    body: json(SavedReplySetInput),
    answers: { 200: { description: 'The shared set now', content: json(SavedReplyListSchema) } },
    errors: ['CONFLICT'],
  });
  app.put(
    '/api/integration/saved-replies',
    { ...service, bodyLimit: BODY_LIMITS.savedReplySet, ...putShared },
    async (req) =>
      list(await savedReplies.replaceShared(parse(SavedReplySetInput, req.body).replies, serviceOrigin(req))),
  );

  const putOwn = integrationDoc({
    summary: "Replaces one doctor's own saved replies",
    description: 'As for the shared set; the person must be a DOCTOR (VALIDATION_FAILED otherwise).',
    params: ExternalIdParam,
    body: json(SavedReplySetInput),
    answers: { 200: { description: 'That doctor’s own set now', content: json(SavedReplyListSchema) } },
    errors: ['CONFLICT', 'NOT_FOUND'],
  });
  app.put(
    '/api/integration/users/:id/saved-replies',
    { ...service, bodyLimit: BODY_LIMITS.savedReplySet, ...putOwn },
    async (req) =>
      list(
        await savedReplies.replaceOwn(
          parse(ExternalIdParam, req.params).id,
          parse(SavedReplySetInput, req.body).replies,
          serviceOrigin(req),
        ),
      ),
  );
}
