import {
  AccessReasonQuery,
  AdminConversationQuery,
  AuditEventPageSchema,
  AuditExportQuery,
  AuditQuery,
  ConversationPageSchema,
  EDiscoveryQuery,
  OversightQuery,
  OversightReportSchema,
  ConversationSchema,
  ExternalIdParam,
  IdParam,
  LegalHoldInput,
  MessagePageQuery,
  MessagePageSchema,
  PeopleQuery,
  TranscriptPageSchema,
  TranscriptQuery,
  UserSchema,
} from '@carechat/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { ORIGINAL_DOCS, serveAttachment, THUMBNAIL_DOCS } from '../attachments/attachments.http.js';
import type { AttachmentsService } from '../attachments/attachments.service.js';
import { toFhirAuditEvent, toJsonLine } from '../audit/audit-export.js';
import {
  AuditChainReport,
  AuditJsonLine,
  FhirBundle,
  LegalHold,
  MessageHistory,
  PeopleFound,
  Shredded,
} from '../docs/extension-shapes.js';
import { documented, json } from '../docs/route-docs.js';
import { actorOf, type Authenticate } from '../http/authenticate.js';
import { parse } from '../http/parse.js';
import type { MessagesService } from '../messages/messages.service.js';
import type { AdminService } from './admin.service.js';

const doc = documented('admin');
const auditDoc = documented('audit');
const PAGE = 'A page; pass `nextCursor` back as `cursor` for the next';

/**
 * The admin console's routes (ADMIN only). Every read of content is audited with the reason
 * the admin gives (`?reason=` or `X-Access-Reason`; the docs add both to each route).
 */
export function registerAdminRoutes(
  app: FastifyInstance,
  services: { messages: MessagesService; admin: AdminService; attachments: AttachmentsService },
  authenticate: Authenticate,
): void {
  const { admin: service, messages, attachments } = services;
  // authenticate() reads ?reason= for the audit row; here it is held to the rule every query parameter follows.
  const reasonChecked = async (req: FastifyRequest) => void parse(AccessReasonQuery, req.query);
  const admin = { onRequest: authenticate('ADMIN'), preHandler: reasonChecked };

  const list = doc({
    summary: 'Every conversation, with name search on either participant: who and when, never content',
    description:
      'Each conversation shows its participants, last activity and `counts`; `lastMessage` is null (a preview ' +
      'would be content). Audited as one `admin.conversations.list` event naming no conversation: listing is not ' +
      'reading, so it is in no participant’s access log. Opening the transcript is the read.',
    query: AdminConversationQuery,
    answers: { 200: { description: PAGE, content: json(ConversationPageSchema) } },
  });
  app.get('/api/admin/conversations', { ...admin, ...list }, async (req) =>
    service.listConversations(actorOf(req), parse(AdminConversationQuery, req.query)),
  );

  const one = doc({
    summary: 'One conversation, as in the list: no content (audited as a view, not a read)',
    params: IdParam,
    answers: {
      200: { description: 'The conversation as neither participant sees it', content: json(ConversationSchema) },
    },
    errors: ['NOT_FOUND'],
  });
  app.get('/api/admin/conversations/:id', { ...admin, ...one }, async (req) =>
    service.readConversation(actorOf(req), parse(IdParam, req.params).id),
  );

  const page = doc({
    summary: 'A page of messages, as for participants (audited)',
    params: IdParam,
    query: MessagePageQuery,
    answers: { 200: { description: 'The page', content: json(MessagePageSchema) } },
    errors: ['NOT_FOUND'],
  });
  app.get('/api/admin/conversations/:id/messages', { ...admin, ...page }, async (req) =>
    messages.page(actorOf(req), parse(IdParam, req.params).id, parse(MessagePageQuery, req.query), 'admin'),
  );

  const exportConversation = doc({
    summary: 'The conversation for the medical record: a FHIR R4 Bundle of Communication resources (audited)',
    params: IdParam,
    answers: { 200: { description: 'The bundle', content: { 'application/fhir+json': FhirBundle } } },
    errors: ['NOT_FOUND'],
  });
  app.get('/api/admin/conversations/:id/export', { ...admin, ...exportConversation }, async (req, reply) => {
    const { id } = parse(IdParam, req.params);
    const bundle = await service.exportConversation(actorOf(req), id, `${req.protocol}://${req.host}`);
    return reply.header('Content-Type', 'application/fhir+json').send(bundle);
  });

  const transcript = doc({
    summary: 'A page of the complete transcript (audited): every message, with earlier texts',
    description:
      'Paged both ways by seq like `.../messages` (`before`, `after`), or `at` a time: the page starting at the ' +
      'first message sent then or later (the newest page when none was). Messages hidden by either participant ' +
      'are included; a deleted message keeps `content` null and carries the text it had as its last ' +
      '`versions` entry (`replacedBy: "delete"`); an edited one carries each earlier text (`replacedBy: "edit"`). ' +
      'Attachments are listed with their metadata: fetch them from `/api/admin/attachments/:id` (audited); ' +
      'a deleted message lists the files it had in `removedAttachments` (their bytes were removed with it). ' +
      'Each page is one `admin.messages.read` event with the reason given: a read in the participants’ access log.',
    params: IdParam,
    query: TranscriptQuery,
    answers: { 200: { description: 'The page, oldest first', content: json(TranscriptPageSchema) } },
    errors: ['NOT_FOUND'],
  });
  app.get('/api/admin/conversations/:id/transcript', { ...admin, ...transcript }, async (req) =>
    service.transcript(actorOf(req), parse(IdParam, req.params).id, parse(TranscriptQuery, req.query)),
  );

  // The participants' file routes serve admins too; these are the console's, under the admin rules (reason).
  const serve = serveAttachment(attachments);
  const file = doc({
    ...ORIGINAL_DOCS,
    summary: 'Download a file sent in any conversation (audited as `admin.attachments.download`)',
  });
  app.get('/api/admin/attachments/:id', { ...admin, ...file }, serve('original'));
  const preview = doc({
    ...THUMBNAIL_DOCS,
    summary: 'The preview of a file sent in any conversation (audited as `admin.attachments.thumbnail`)',
  });
  app.get('/api/admin/attachments/:id/thumbnail', { ...admin, ...preview }, serve('thumbnail'));

  const history = doc({
    summary: 'Earlier texts of an edited or deleted message (audited)',
    params: IdParam,
    answers: { 200: { description: 'The message and its versions', content: json(MessageHistory) } },
    errors: ['NOT_FOUND'],
  });
  app.get('/api/admin/messages/:id/history', { ...admin, ...history }, async (req) =>
    messages.history(actorOf(req), parse(IdParam, req.params).id),
  );

  const people = doc({
    summary: 'People whose name or email contains `q`, by name (the audit log\u2019s person picker; audited)',
    query: PeopleQuery,
    answers: { 200: { description: 'Up to `limit` people', content: json(PeopleFound) } },
  });
  app.get('/api/admin/people', { ...admin, ...people }, async (req) =>
    service.searchPeople(actorOf(req), parse(PeopleQuery, req.query)),
  );

  const trail = auditDoc({
    summary: 'The audit trail, newest first, filtered',
    query: AuditQuery,
    answers: { 200: { description: PAGE, content: json(AuditEventPageSchema) } },
  });
  app.get('/api/admin/audit', { ...admin, ...trail }, async (req) =>
    service.auditPage(actorOf(req), parse(AuditQuery, req.query)),
  );

  const exportTrail = auditDoc({
    summary: 'A time range of the audit trail as JSON lines (with chain hashes) or a FHIR Bundle of AuditEvents',
    query: AuditExportQuery,
    answers: {
      200: {
        description: '`format=jsonl`: one event per line; `format=fhir`: a Bundle',
        content: { 'application/x-ndjson': AuditJsonLine, 'application/fhir+json': FhirBundle },
      },
    },
  });
  app.get('/api/admin/audit/export', { ...admin, ...exportTrail }, async (req, reply) => {
    const q = parse(AuditExportQuery, req.query);
    const events = await service.exportAudit(actorOf(req), q);
    if (q.format === 'jsonl')
      return reply.header('Content-Type', 'application/x-ndjson').send(
        Readable.from(
          (async function* () {
            for await (const e of events) yield toJsonLine(e);
          })(),
        ),
      );
    const entry = [];
    for await (const e of events) entry.push({ fullUrl: `urn:carechat:audit:${e.id}`, resource: toFhirAuditEvent(e) });
    return reply
      .header('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Bundle', type: 'collection', entry });
  });

  const verify = auditDoc({
    summary: 'Recompute the audit hash chain and report the first broken link',
    answers: {
      200: { description: 'The report (200 whether or not the chain is intact)', content: json(AuditChainReport) },
    },
  });
  app.get('/api/admin/audit/verify', { ...admin, ...verify }, async (req) => service.verifyAudit(actorOf(req)));

  const oversight = auditDoc({
    summary: 'The reads that need a look, with counts: no reason given, outside working hours, many at once',
    description:
      'Over the range (default: the last 7 days), reads of content by anyone outside the conversation: those ' +
      'with no reason given (flagged), those outside the working hours of `rules` (configuration), and runs in ' +
      'which one reader opened `rules.burst.conversations` distinct conversations within `rules.burst.minutes`. ' +
      'Each kind has its count over the range and up to 100 items, newest first. Audited as one ' +
      '`admin.oversight.read` event (no content, no conversation named).',
    query: OversightQuery,
    answers: { 200: { description: 'The report', content: json(OversightReportSchema) } },
  });
  app.get('/api/admin/oversight', { ...admin, ...oversight }, async (req) =>
    service.oversight(actorOf(req), parse(OversightQuery, req.query)),
  );

  const eDiscovery = doc({
    summary: 'E-discovery: every conversation of one person in a time range, with its audit events, as one file',
    description:
      'A FHIR R4 Bundle (collection), streamed: per conversation with a message sent in [from, to), its Bundle ' +
      'as `.../export` makes it (only the messages in the range) and then its audit events in the range as ' +
      'AuditEvents. A reason (`?reason=` or `X-Access-Reason`) is required. Audited as one ' +
      '`admin.ediscovery.export` event naming the person (`targetId`) and the range.',
    params: ExternalIdParam,
    query: EDiscoveryQuery,
    answers: { 200: { description: 'The file', content: { 'application/fhir+json': FhirBundle } } },
    errors: ['NOT_FOUND'],
  });
  app.get('/api/admin/people/:id/ediscovery', { ...admin, ...eDiscovery }, async (req, reply) => {
    const { id } = parse(ExternalIdParam, req.params);
    const q = parse(EDiscoveryQuery, req.query);
    const chunks = await service.eDiscovery(actorOf(req), id, q, `${req.protocol}://${req.host}`);
    const day = (iso: string) => iso.slice(0, 10);
    return reply
      .header('Content-Type', 'application/fhir+json')
      .header('Content-Disposition', `attachment; filename="ediscovery-${day(q.from)}-${day(q.to)}.fhir.json"`)
      .send(Readable.from(chunks));
  });

  const legalHold = doc({
    summary: 'Put a conversation on legal hold, or lift it (held conversations are neither expired nor shredded)',
    params: IdParam,
    body: json(LegalHoldInput),
    answers: { 200: { description: 'The hold', content: json(LegalHold) } },
    errors: ['NOT_FOUND'],
  });
  app.put('/api/admin/conversations/:id/legal-hold', { ...admin, ...legalHold }, async (req) =>
    service.setLegalHold(actorOf(req), parse(IdParam, req.params).id, parse(LegalHoldInput, req.body).hold),
  );

  const shred = doc({
    summary: 'Crypto-shred a conversation: its data key is destroyed, so nothing in it can be read again',
    params: IdParam,
    answers: { 200: { description: 'Shredded (again, if it already was)', content: json(Shredded) } },
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  });
  app.post('/api/admin/conversations/:id/shred', { ...admin, ...shred }, async (req) =>
    service.shred(actorOf(req), parse(IdParam, req.params).id),
  );

  const block = doc({
    summary: 'Block a user: their sessions end and their sockets are disconnected at once',
    params: ExternalIdParam,
    answers: { 200: { description: 'The user', content: json(UserSchema) } },
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  });
  app.post('/api/admin/users/:id/block', { ...admin, ...block }, async (req) =>
    service.setBlocked(actorOf(req), parse(ExternalIdParam, req.params).id, true),
  );

  const unblock = doc({
    summary: 'Unblock a user (a deleted user stays deleted)',
    params: ExternalIdParam,
    answers: { 200: { description: 'The user', content: json(UserSchema) } },
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  });
  app.post('/api/admin/users/:id/unblock', { ...admin, ...unblock }, async (req) =>
    service.setBlocked(actorOf(req), parse(ExternalIdParam, req.params).id, false),
  );
}
