import * as P from '@carechat/protocol';
import { AccessLog, AttachmentUpload, Bytes, ContactList } from './extension-shapes.js';
import { json, type Operation } from './operation.js';

/** What a participant does over REST: the same service calls as the socket events. */
const conversations: Operation[] = [
  {
    method: 'GET', path: '/api/chat/contacts', tag: 'conversations', auth: 'user',
    summary: 'The people the caller may chat with (a shared appointment, neither side blocked): the first 200 by name, `hasMore` when more match; `q` searches names',
    query: P.ContactsQuery,
    answers: { 200: { description: 'The contacts', content: json(ContactList) } },
  },
  {
    method: 'POST', path: '/api/chat/conversations', tag: 'conversations', auth: 'user',
    summary: 'Get or create the conversation with a participant',
    body: json(P.ConversationCreateInput),
    answers: {
      200: { description: 'The conversation already existed', content: json(P.ConversationSchema) },
      201: { description: 'The conversation was created', content: json(P.ConversationSchema) },
    },
    errors: ['FORBIDDEN', 'NO_APPOINTMENT', 'USER_BLOCKED', 'NOT_FOUND'],
  },
  {
    method: 'GET', path: '/api/chat/conversations', tag: 'conversations', auth: 'user',
    summary: "The caller's conversations, newest activity first",
    query: P.ConversationListQuery,
    answers: { 200: { description: 'A page; pass `nextCursor` back as `cursor` for the next', content: json(P.ConversationPageSchema) } },
  },
  {
    method: 'GET', path: '/api/chat/conversations/:id', tag: 'conversations', auth: 'user',
    summary: 'One conversation', params: P.IdParam,
    answers: { 200: { description: 'The conversation', content: json(P.ConversationSchema) } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'PATCH', path: '/api/chat/conversations/:id', tag: 'conversations', auth: 'user',
    summary: 'Archive or unarchive a conversation (per user)', params: P.IdParam,
    body: json(P.ConversationPatchInput),
    answers: { 200: { description: 'The conversation', content: json(P.ConversationSchema) } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'GET', path: '/api/chat/conversations/:id/access-log', tag: 'conversations', auth: 'user',
    summary: 'Who outside the conversation read it (admins), when and why', params: P.IdParam,
    answers: { 200: { description: 'The outside reads', content: json(AccessLog) } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'POST', path: '/api/chat/conversations/:id/read', tag: 'conversations', auth: 'user',
    summary: 'Mark messages read up to a seq', params: P.IdParam,
    body: json(P.ReadBody),
    answers: { 200: { description: 'The new watermark and unread count', content: json(P.ReadResultSchema) } },
    errors: ['NOT_FOUND'],
  },
];

const messages: Operation[] = [
  {
    method: 'GET', path: '/api/chat/conversations/:id/messages', tag: 'messages', auth: 'user',
    summary: 'A page of messages, oldest first', params: P.IdParam, query: P.MessagePageQuery,
    description: 'Give `before` or `after` (a seq), not both; without either, the newest page.',
    answers: { 200: { description: 'The page', content: json(P.MessagePageSchema) } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'GET', path: '/api/chat/conversations/:id/changes', tag: 'messages', auth: 'user',
    summary: 'Every message created or changed after a rev, by rev', params: P.IdParam, query: P.ChangesQuery,
    description: 'Edits, deletions, reactions and delete-for-me included: the catch-up after a reconnect.',
    answers: { 200: { description: 'The changes', content: json(P.MessagePageSchema) } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'POST', path: '/api/chat/conversations/:id/messages', tag: 'messages', auth: 'user',
    summary: 'Send a message', params: P.IdParam,
    description: 'Needs content or attachments. A repeated clientMessageId returns the first message (200) and sends nothing new.',
    body: json(P.MessageSendBody),
    answers: {
      200: { description: 'A retry: the message first sent with this clientMessageId', content: json(P.MessageSchema) },
      201: { description: 'The new message', content: json(P.MessageSchema) },
    },
    errors: ['NOT_FOUND', 'NO_APPOINTMENT', 'USER_BLOCKED', 'RATE_LIMITED'],
  },
  {
    method: 'PATCH', path: '/api/chat/messages/:id', tag: 'messages', auth: 'user',
    summary: 'Edit a message (the sender, within 15 minutes)', params: P.IdParam,
    body: json(P.MessageEditBody),
    answers: { 200: { description: 'The edited message', content: json(P.MessageSchema) } },
    errors: ['FORBIDDEN', 'NOT_FOUND', 'EDIT_WINDOW_EXPIRED'],
  },
  {
    method: 'DELETE', path: '/api/chat/messages/:id', tag: 'messages', auth: 'user',
    summary: 'Delete a message for oneself or (the sender) for everyone', params: P.IdParam, query: P.DeleteScopeQuery,
    answers: { 204: { description: 'Deleted' } },
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  },
  {
    method: 'PUT', path: '/api/chat/messages/:id/reactions/:emoji', tag: 'messages', auth: 'user',
    summary: 'Add the caller\'s reaction (one emoji grapheme, URL-encoded)', params: P.ReactionParams,
    answers: { 200: { description: 'The message', content: json(P.MessageSchema) } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'DELETE', path: '/api/chat/messages/:id/reactions/:emoji', tag: 'messages', auth: 'user',
    summary: "Remove the caller's reaction", params: P.ReactionParams,
    answers: { 200: { description: 'The message', content: json(P.MessageSchema) } },
    errors: ['NOT_FOUND'],
  },
];

const attachments: Operation[] = [
  {
    method: 'POST', path: '/api/chat/attachments', tag: 'attachments', auth: 'user',
    summary: 'Upload a file into a conversation (JPEG, PNG or PDF by content, at most 10 MiB)',
    description: 'Scanned for malware before anything is stored; send the `conversationId` field before the file. A person may have 3 uploads in progress at once (`UPLOADS_IN_FLIGHT_PER_USER`).',
    body: { 'multipart/form-data': AttachmentUpload },
    answers: { 201: { description: 'The stored, clean attachment; send it with a message', content: json(P.AttachmentSchema) } },
    errors: ['NOT_FOUND', 'NO_APPOINTMENT', 'USER_BLOCKED', 'FILE_TOO_LARGE', 'UNSUPPORTED_FILE_TYPE', 'FILE_INFECTED', 'SCAN_UNAVAILABLE', 'RATE_LIMITED'],
  },
  {
    method: 'GET', path: '/api/chat/attachments/:id', tag: 'attachments', auth: 'user',
    summary: 'Download the original file', params: P.IdParam,
    description: 'Sent as `Content-Disposition: attachment` with `X-Content-Type-Options: nosniff`; `Range` requests are answered 206.',
    answers: {
      200: { description: 'The file', content: { 'application/octet-stream': Bytes } },
      206: { description: 'The requested byte range', content: { 'application/octet-stream': Bytes } },
      416: { description: 'VALIDATION_FAILED: the range is not satisfiable', content: json(P.ErrorResponseSchema) },
    },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'GET', path: '/api/chat/attachments/:id/thumbnail', tag: 'attachments', auth: 'user',
    summary: 'A small JPEG or PNG preview of an image or PDF', params: P.IdParam,
    answers: { 200: { description: 'The preview', content: { 'image/jpeg': Bytes, 'image/png': Bytes } } },
    errors: ['NOT_FOUND'],
  },
];

export const chatOperations: Operation[] = [...conversations, ...messages, ...attachments];
