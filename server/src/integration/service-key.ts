import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { unauthenticated } from '../errors.js';
import { enforcing } from '../http/access.js';
import { bearerToken } from '../http/authenticate.js';
import { trustConnection } from '../http/connections.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * The onRequest hook of every integration route: the host platform's service key, checked before
 * the body is read, so without it not a byte of a batch is parsed. Without SERVICE_API_KEY the
 * integration API is closed: no key matches.
 */
export function serviceKeyHook(config: Pick<Config, 'serviceApiKey'>) {
  const serviceKey = config.serviceApiKey ? digest(config.serviceApiKey) : null;
  return enforcing(
    async (req: FastifyRequest) => {
      const given = bearerToken(req);
      if (!serviceKey || !given || !timingSafeEqual(digest(given), serviceKey))
        throw unauthenticated('A valid service key is required');
      trustConnection(req.raw.socket);
    },
    { kind: 'service' },
  );
}

/** Where an integration call came from, for its audit row. */
export const serviceOrigin = (req: FastifyRequest) => ({ ip: req.ip ?? null });
