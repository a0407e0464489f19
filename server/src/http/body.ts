import { MAX_SAVED_REPLIES } from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

const KiB = 1024;

/**
 * The JSON body each kind of route takes, at most. Bodies are read only after the request is
 * authenticated (hooks run in onRequest), but sign-in and the integration API's key check are
 * the only doors an anonymous body reaches, so every route takes what its input needs and no
 * more: a megabyte to parse is a megabyte of event loop.
 */
export const BODY_LIMITS = {
  /** Everything not named below: ids, flags, a push subscription (an endpoint of 2,048 characters). */
  default: 16 * KiB,
  /** Email (320), password (1,024 characters) and a code, even with every character escaped. */
  signIn: 8 * KiB,
  /** A message of 5,000 characters written as JSON escapes (`\uXXXX`), with its ids. */
  message: 64 * KiB,
  /** A whole set of saved replies (the integration API): MAX_SAVED_REPLIES messages' length, escaped, and names. */
  savedReplySet: MAX_SAVED_REPLIES * 32 * KiB,
  /** The integration API's batches: 10,000 people and 10,000 appointments. */
  batch: 32 * 1024 * KiB,
} as const;

/**
 * No input of the protocol nests deeper than 3 (a batch's items' fields, a push
 * subscription's keys). Parsing `[[[[…` millions deep held the event loop for seconds, so
 * anything past this is refused before JSON.parse sees it.
 */
export const MAX_JSON_DEPTH = 8;

/** True when `text` opens no more than `max` arrays or objects inside each other; one pass, no allocation. */
export function nestsWithin(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return false;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return true;
}

/** Fastify's own JSON parser (prototype-poisoning checks included), behind the nesting check. */
export function installJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (!nestsWithin(body as string, MAX_JSON_DEPTH))
      return done(new AppError('VALIDATION_FAILED', `body: nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    parseJson(req, body as string, done);
  });
}

/**
 * A request answered before its body has all arrived (refused by authentication, too large)
 * closes its connection instead of keeping it alive: Node would otherwise read the rest of
 * the upload, however long, only to throw it away.
 */
export function closeUnreadBodies(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (!req.raw.complete) void reply.header('Connection', 'close');
    return payload;
  });
}
