import type { ErrorCode } from '@carechat/protocol';
import type { z } from 'zod';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: anyone; a signed-in person (session cookie or bearer token); an admin;
 * the host platform with its service key.
 */
export type Auth = 'none' | 'user' | 'admin' | 'service';

/** Bodies by media type; every schema here must be named in components.ts. */
export type Content = Record<string, z.ZodType>;

export interface Answer {
  description: string;
  content?: Content;
}

/**
 * One route as the docs describe it. Paths are written as Fastify registers them (`:id`), so
 * the test can compare them with the routes the server really has; the document says `{id}`.
 */
export interface Operation {
  method: Method;
  path: string;
  tag: string;
  summary: string;
  description?: string;
  auth: Auth;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: Content;
  answers: Record<number, Answer>;
  /** Errors particular to this route; those implied by auth and input are added by the builder. */
  errors?: ErrorCode[];
  /** Open to a session that still owes two-factor enrolment: it cannot answer MFA_ENROLLMENT_REQUIRED. */
  duringMfaEnrollment?: true;
}

export const json = (schema: z.ZodType): Content => ({ 'application/json': schema });
