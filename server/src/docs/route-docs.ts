import type { ErrorCode } from '@carechat/protocol';
import type { z } from 'zod';

/** Bodies by media type; every schema here must be named in components.ts. */
export type Content = Record<string, z.ZodType>;

export interface Answer {
  description: string;
  content?: Content;
}

/**
 * What the API document says of one route, written on the route itself. Who may call it is
 * not written here: it is read from the route's onRequest hook (http/access.ts).
 */
export interface RouteDocs {
  /** The group the route is listed under (openapi.ts names them). */
  tag: string;
  summary: string;
  description?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: Content;
  answers: Record<number, Answer>;
  /** Errors particular to this route; those implied by its access and input are added by the builder. */
  errors?: ErrorCode[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * In `config`, not Fastify's `schema`: a `schema` body or querystring would be validated
     * with ajv, before the handler parses it with zod (http/parse.ts) into the protocol's
     * error codes and messages.
     */
    docs?: RouteDocs;
  }
}

export const json = (schema: z.ZodType): Content => ({ 'application/json': schema });

/** Route options documenting a route, listed under `tag`: `app.get(path, { ...doc({ summary, ... }) }, handler)`. */
export const documented =
  (tag: string) =>
  (docs: Omit<RouteDocs, 'tag'>): { config: { docs: RouteDocs } } => ({ config: { docs: { tag, ...docs } } });
