import { ERROR_STATUS, ErrorResponseSchema, type ErrorCode } from '@carechat/protocol';
import { z } from 'zod';
import type { Access } from '../http/access.js';
import { SESSION_COOKIE } from '../http/authenticate.js';
import { componentName, registry } from './components.js';
import type { Answer, Content, RouteDocs } from './route-docs.js';
import type { RegisteredRoute } from './routes.js';

/** One documented route: what its `config.docs` says, where it is, and who may call it. */
type Operation = RouteDocs & { method: string; path: string; access: Access };

type Json = Record<string, unknown>;

/** Bodies by media type, each a `$ref` to a component schema. */
export type MediaObjects = Record<string, { schema: { $ref: string } }>;

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: Json;
}

export interface ResponseObject {
  description: string;
  content?: MediaObjects;
}

/** One operation as this builder writes it: the fields the HTML page (html.ts) reads are typed. */
export interface OperationObject {
  operationId: string;
  /** One each: the page lists an operation under its tag. */
  tags: [string];
  summary: string;
  description?: string;
  security: Json[];
  parameters?: ParameterObject[];
  requestBody?: { required: true; content: MediaObjects };
  responses: Record<string, ResponseObject>;
}

export interface OpenApiDocument {
  openapi: string;
  info: Json;
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
}

const TAGS: Record<string, string> = {
  auth: 'Sign-in, sessions and two-factor sign-in',
  conversations: 'Conversations between one patient and one doctor',
  messages: 'Messages: the REST doors to what the socket events do',
  attachments: 'Files: JPEG, PNG or PDF, scanned before they are stored',
  admin: 'The admin console (ADMIN only; reads of content are audited)',
  audit: 'The append-only, hash-chained audit trail (ADMIN only)',
  integration: "The host platform's API: people, appointments and saved replies",
  push: 'Web Push notifications that carry no health data',
  reminders: 'E-mail and SMS reminders of unread messages, with no health data',
  'saved-replies': "Clinicians' saved replies: their own and the shared set the host platform manages",
  embed: 'The chat widget a host page frames (EMBED_ORIGINS)',
  app: 'The web app: its manifest, so it can be installed',
  operations: 'Liveness, readiness and metrics',
  docs: 'This documentation',
};

const SECURITY_SCHEMES = {
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'Set by POST /api/auth/login; HttpOnly, SameSite=Strict.',
  },
  bearerToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'The `accessToken` from POST /api/auth/login, or (when the server has AUTH_JWT_SECRET or AUTH_JWKS_URL) ' +
      'a host-platform JWT with the claims of the HostJwtClaims schema; a person seen for the first time this way ' +
      'is created from the claims. A host token becomes a session on first use: ' +
      'POST /api/auth/logout ends it for good.',
  },
  serviceKey: {
    type: 'http',
    scheme: 'bearer',
    description:
      "The host platform's SERVICE_API_KEY, sent as `Authorization: Bearer <key>`. " +
      'Without one configured, the integration API is closed.',
  },
};

const SECURITY: Record<Access['kind'], Json[]> = {
  none: [],
  session: [{ sessionCookie: [] }, { bearerToken: [] }],
  service: [{ serviceKey: [] }],
};

/** Errors any route with this access can answer, so each operation lists only its own. */
function impliedErrors(access: Access): ErrorCode[] {
  if (access.kind === 'none') return [];
  if (access.kind === 'service') return ['UNAUTHENTICATED'];
  return [
    'UNAUTHENTICATED',
    ...(access.roles.length ? (['FORBIDDEN'] as const) : []),
    // A route open to a session that still owes two-factor enrolment cannot answer that it does.
    ...(access.duringMfaEnrollment ? [] : (['MFA_ENROLLMENT_REQUIRED'] as const)),
  ];
}

/** Admins give a reason for what they open (http/authenticate.ts reads it for the audit row). */
const takesAccessReason = (access: Access) => access.kind === 'session' && access.roles.includes('ADMIN');

const ACCESS_REASON = 'Why the admin opens this; kept on the audit row (a read without a reason is flagged).';
const ADMIN_PARAMETERS: ParameterObject[] = [
  {
    name: 'reason',
    in: 'query',
    required: false,
    description: ACCESS_REASON,
    schema: { type: 'string', maxLength: 500 },
  },
  {
    name: 'X-Access-Reason',
    in: 'header',
    required: false,
    description: ACCESS_REASON,
    schema: { type: 'string', maxLength: 500 },
  },
];

const ref = (schema: z.ZodType) => ({ $ref: `#/components/schemas/${componentName(schema)}` });
const content = (c: Content): MediaObjects =>
  Object.fromEntries(Object.entries(c).map(([type, schema]) => [type, { schema: ref(schema) }]));

/** `/api/chat/messages/:id/reactions/:emoji` → `/api/chat/messages/{id}/reactions/{emoji}`. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/** The fields of a params or query schema, one OpenAPI parameter each, as clients send them. */
function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined): ParameterObject[] {
  if (!schema) return [];
  const js = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (js.required ?? []).includes(name),
    schema: s,
  }));
}

function errorAnswers(op: Operation): Record<string, ResponseObject> {
  const codes = new Set<ErrorCode>([
    ...impliedErrors(op.access),
    ...(op.params || op.query || op.body ? (['VALIDATION_FAILED'] as const) : []),
    ...(op.errors ?? []),
  ]);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  const answers: Record<string, ResponseObject> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b))
    answers[status] = { description: list.join(', '), content: content({ 'application/json': ErrorResponseSchema }) };
  return answers;
}

const answer = (a: Answer): ResponseObject => ({
  description: a.description,
  ...(a.content ? { content: content(a.content) } : {}),
});

const operationId = (op: Operation) =>
  op.method.toLowerCase() +
  op.path
    .replace(/^\/api\//, '/')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

function operationObject(op: Operation): OperationObject {
  const params = [
    ...parameters('path', op.params),
    ...parameters('query', op.query),
    ...(takesAccessReason(op.access) ? ADMIN_PARAMETERS : []),
  ];
  const answers = {
    ...errorAnswers(op),
    ...Object.fromEntries(Object.entries(op.answers).map(([status, a]) => [status, answer(a)])),
  };
  return {
    operationId: operationId(op),
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    security: SECURITY[op.access.kind],
    ...(params.length ? { parameters: params } : {}),
    ...(op.body ? { requestBody: { required: true, content: content(op.body) } } : {}),
    responses: {
      ...answers,
      default: {
        description: 'INTERNAL, or SERVICE_UNAVAILABLE while the server restarts',
        content: content({ 'application/json': ErrorResponseSchema }),
      },
    },
  };
}

/** Named schemas as OpenAPI components, described as clients send them (see the note below). */
function componentSchemas(): Record<string, Json> {
  // The input side: zod's output side closes every object (additionalProperties: false), but
  // the protocol lets the server add fields, so clients must accept ones they do not know.
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    metadata: registry,
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(Object.entries(schemas).map(([id, { $id, $schema, ...rest }]) => [id, rest]));
}

/** The document of every route registered with docs, in the order they were registered. */
export function buildOpenApiDocument(routes: readonly RegisteredRoute[]): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const { method, url, access, docs } of routes) {
    if (!docs) continue;
    const op: Operation = { ...docs, method, path: url, access };
    const item = (paths[openApiPath(url)] ??= {});
    // Fastify refuses a second route with the same method and path, so each is documented once.
    item[method.toLowerCase()] = operationObject(op);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'CareChat API',
      version: '1',
      description:
        'JSON over HTTP. Every error answer is `{"error": {"code", "message"}}`; codes are stable, ' +
        'messages are for people. Times are ISO-8601 UTC. Real-time events (Socket.IO, path /socket.io) ' +
        'are described in the wire protocol, not here.',
    },
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: { schemas: componentSchemas(), securitySchemes: SECURITY_SCHEMES },
  };
}
