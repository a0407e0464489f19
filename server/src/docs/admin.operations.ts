import * as P from '@carechat/protocol';
import { AuditChainReport, AuditJsonLine, FhirBundle, LegalHold, MessageHistory, Shredded } from './extension-shapes.js';
import { json, type Operation } from './operation.js';

/**
 * The admin console's routes (ADMIN only). Every read of content is audited with the reason
 * the admin gives (`?reason=` or `X-Access-Reason`, added to each operation by the builder).
 */
export const adminOperations: Operation[] = [
  {
    method: 'GET', path: '/api/admin/conversations', tag: 'admin', auth: 'admin',
    summary: 'Every conversation, with name search on either participant', query: P.AdminConversationQuery,
    answers: { 200: { description: 'A page; pass `nextCursor` back as `cursor` for the next', content: json(P.ConversationPageSchema) } },
  },
  {
    method: 'GET', path: '/api/admin/conversations/:id', tag: 'admin', auth: 'admin',
    summary: 'One conversation (audited)', params: P.IdParam,
    answers: { 200: { description: 'The conversation as neither participant sees it', content: json(P.ConversationSchema) } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'GET', path: '/api/admin/conversations/:id/messages', tag: 'admin', auth: 'admin',
    summary: 'A page of messages, as for participants (audited)', params: P.IdParam, query: P.MessagePageQuery,
    answers: { 200: { description: 'The page', content: json(P.MessagePageSchema) } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'GET', path: '/api/admin/conversations/:id/export', tag: 'admin', auth: 'admin',
    summary: 'The conversation for the medical record: a FHIR R4 Bundle of Communication resources (audited)',
    params: P.IdParam,
    answers: { 200: { description: 'The bundle', content: { 'application/fhir+json': FhirBundle } } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'PUT', path: '/api/admin/conversations/:id/legal-hold', tag: 'admin', auth: 'admin',
    summary: 'Put a conversation on legal hold, or lift it (held conversations are neither expired nor shredded)',
    params: P.IdParam, body: json(P.LegalHoldInput),
    answers: { 200: { description: 'The hold', content: json(LegalHold) } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'POST', path: '/api/admin/conversations/:id/shred', tag: 'admin', auth: 'admin',
    summary: "Crypto-shred a conversation: its data key is destroyed, so nothing in it can be read again",
    params: P.IdParam,
    answers: { 200: { description: 'Shredded (again, if it already was)', content: json(Shredded) } },
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  },
  {
    method: 'GET', path: '/api/admin/messages/:id/history', tag: 'admin', auth: 'admin',
    summary: 'Earlier texts of an edited or deleted message (audited)', params: P.IdParam,
    answers: { 200: { description: 'The message and its versions', content: json(MessageHistory) } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'GET', path: '/api/admin/audit', tag: 'audit', auth: 'admin',
    summary: 'The audit trail, newest first, filtered', query: P.AuditQuery,
    answers: { 200: { description: 'A page; pass `nextCursor` back as `cursor` for the next', content: json(P.AuditEventPageSchema) } },
  },
  {
    method: 'GET', path: '/api/admin/audit/export', tag: 'audit', auth: 'admin',
    summary: 'A time range of the audit trail as JSON lines (with chain hashes) or a FHIR Bundle of AuditEvents',
    query: P.AuditExportQuery,
    answers: {
      200: {
        description: '`format=jsonl`: one event per line; `format=fhir`: a Bundle',
        content: { 'application/x-ndjson': AuditJsonLine, 'application/fhir+json': FhirBundle },
      },
    },
  },
  {
    method: 'GET', path: '/api/admin/audit/verify', tag: 'audit', auth: 'admin',
    summary: 'Recompute the audit hash chain and report the first broken link',
    answers: { 200: { description: 'The report (200 whether or not the chain is intact)', content: json(AuditChainReport) } },
  },
  {
    method: 'POST', path: '/api/admin/users/:id/block', tag: 'admin', auth: 'admin',
    summary: "Block a user: their sessions end and their sockets are disconnected at once", params: P.ExternalIdParam,
    answers: { 200: { description: 'The user', content: json(P.UserSchema) } },
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  },
  {
    method: 'POST', path: '/api/admin/users/:id/unblock', tag: 'admin', auth: 'admin',
    summary: 'Unblock a user (a deleted user stays deleted)', params: P.ExternalIdParam,
    answers: { 200: { description: 'The user', content: json(P.UserSchema) } },
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  },
];
