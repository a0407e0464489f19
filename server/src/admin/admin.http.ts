import { AccessReasonQuery, AdminConversationQuery, AuditExportQuery, AuditQuery, ExternalIdParam, IdParam, LegalHoldInput, MessagePageQuery } from '@carechat/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { audit, auditEach } from '../audit/audit.js';
import { Readable } from 'node:stream';
import { verifyAuditChain } from '../audit/audit-chain.js';
import { auditEventsBetween, toFhirAuditEvent, toJsonLine } from '../audit/audit-export.js';
import { toFhirBundle } from './fhir-export.js';
import { listAuditEvents } from '../audit/audit.store.js';
import type { Deps } from '../context.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import { notFound } from '../errors.js';
import { actorOf, type Authenticate } from '../http/authenticate.js';
import { parse } from '../http/parse.js';
import type { MessagesService } from '../messages/messages.service.js';
import type { AdminService } from './admin.service.js';

export function registerAdminRoutes(
  app: FastifyInstance,
  deps: Deps,
  services: { conversations: ConversationsService; messages: MessagesService; admin: AdminService },
  authenticate: Authenticate,
): void {
  // authenticate() reads ?reason= for the audit row; here it is held to the rule every query parameter follows.
  const reasonChecked = async (req: FastifyRequest) => void parse(AccessReasonQuery, req.query);
  const admin = { onRequest: authenticate('ADMIN'), preHandler: reasonChecked };

  app.get('/api/admin/conversations', admin, async (req) => {
    const q = parse(AdminConversationQuery, req.query);
    const page = await services.conversations.listAll(q);
    // Each row shows its last message's preview: a read of that conversation, in its own
    // trail and its participants' access log.
    await auditEach(deps.db, actorOf(req), { action: 'admin.conversations.list', outcome: 'success', details: { count: page.data.length } }, page.data.map((c) => c.id));
    return page;
  });

  app.get('/api/admin/conversations/:id', admin, async (req) => {
    const { id } = parse(IdParam, req.params);
    const view = await services.conversations.viewFor(null, id);
    if (!view) throw notFound('No such conversation');
    await audit(deps.db, actorOf(req), { action: 'admin.conversations.read', outcome: 'success', conversationId: id });
    return view;
  });

  app.get('/api/admin/conversations/:id/messages', admin, async (req) =>
    services.messages.page(actorOf(req), parse(IdParam, req.params).id, parse(MessagePageQuery, req.query), 'admin'),
  );

  // The conversation for the medical record: a FHIR R4 Bundle of Communication resources.
  app.get('/api/admin/conversations/:id/export', admin, async (req, reply) => {
    const { id } = parse(IdParam, req.params);
    const conversation = await services.conversations.viewFor(null, id);
    if (!conversation) throw notFound('No such conversation');
    const messages = await services.messages.exportAll(actorOf(req), id);
    return reply.header('Content-Type', 'application/fhir+json').send(toFhirBundle(conversation, messages, `${req.protocol}://${req.host}`));
  });

  app.get('/api/admin/messages/:id/history', admin, async (req) => services.messages.history(actorOf(req), parse(IdParam, req.params).id));

  // Reading the trail is itself on it: who looked at whose activity.
  app.get('/api/admin/audit', admin, async (req) => {
    const q = parse(AuditQuery, req.query);
    const page = await listAuditEvents(deps.db, q);
    await audit(deps.db, actorOf(req), {
      action: 'admin.audit.read',
      outcome: 'success',
      targetId: q.actorId ?? null,
      details: { count: page.data.length, conversationId: q.conversationId ?? null, action: q.action ?? null },
    });
    return page;
  });

  // A time range of the audit trail, as JSON lines (with chain hashes) or FHIR AuditEvents.
  app.get('/api/admin/audit/export', admin, async (req, reply) => {
    const q = parse(AuditExportQuery, req.query);
    await audit(deps.db, actorOf(req), { action: 'admin.audit.export', outcome: 'success', details: { from: q.from, to: q.to, format: q.format } });
    const events = auditEventsBetween(deps.db, q.from, q.to);
    if (q.format === 'jsonl')
      return reply.header('Content-Type', 'application/x-ndjson').send(Readable.from((async function* () {
        for await (const e of events) yield toJsonLine(e);
      })()));
    const entry = [];
    for await (const e of events) entry.push({ fullUrl: `urn:carechat:audit:${e.id}`, resource: toFhirAuditEvent(e) });
    return reply.header('Content-Type', 'application/fhir+json').send({ resourceType: 'Bundle', type: 'collection', entry });
  });

  app.get('/api/admin/audit/verify', admin, async (req) => {
    const report = await verifyAuditChain(deps.db);
    await audit(deps.db, actorOf(req), { action: 'admin.audit.verify', outcome: 'success', details: { ok: report.ok, checked: report.checked } });
    return report;
  });

  app.put('/api/admin/conversations/:id/legal-hold', admin, async (req) =>
    services.admin.setLegalHold(actorOf(req), parse(IdParam, req.params).id, parse(LegalHoldInput, req.body).hold),
  );
  app.post('/api/admin/conversations/:id/shred', admin, async (req) => services.admin.shred(actorOf(req), parse(IdParam, req.params).id));

  app.post('/api/admin/users/:id/block', admin, async (req) => services.admin.setBlocked(actorOf(req), parse(ExternalIdParam, req.params).id, true));
  app.post('/api/admin/users/:id/unblock', admin, async (req) => services.admin.setBlocked(actorOf(req), parse(ExternalIdParam, req.params).id, false));
}
