import { ERROR_STATUS, ErrorResponseSchema, type ErrorCode } from '@carechat/protocol';
import { z } from 'zod';
import { SESSION_COOKIE } from '../http/authenticate.js';
import { adminOperations } from './admin.operations.js';
import { chatOperations } from './chat.operations.js';
import { componentName, registry } from './components.js';
import type { Answer, Auth, Content, Operation } from './operation.js';
import { platformOperations } from './platform.operations.js';
import { pushOperations } from './push.operations.js';

/** Every route the server documents, in the order the page shows them. */
export const OPERATIONS: Operation[] = [...platformOperations, ...chatOperations, ...pushOperations, ...adminOperations];

type Json = Record<string, unknown>;
export interface OpenApiDocument {
  openapi: string;
  info: Json;
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
}

const TAGS: Record<string, string> = {
  auth: 'Sign-in, sessions and two-factor sign-in',
  conversations: 'Conversations between one patient and one doctor',
  messages: 'Messages: the REST doors to what the socket events do',
  attachments: 'Files: JPEG, PNG or PDF, scanned before they are stored',
  admin: 'The admin console (ADMIN only; reads of content are audited)',
  audit: 'The append-only, hash-chained audit trail (ADMIN only)',
  integration: "The host platform's API: people and appointments",
  push: 'Web Push notifications that carry no health data',
  operations: 'Liveness, readiness and metrics',
  docs: 'This documentation',
};

const SECURITY_SCHEMES = {
  sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Set by POST /api/auth/login; HttpOnly, SameSite=Strict.' },
  bearerToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'The `accessToken` from POST /api/auth/login, or (when the server has AUTH_JWT_SECRET or AUTH_JWKS_URL) a host-platform JWT ' +
      'with the claims of the HostJwtClaims schema; a person seen for the first time this way is created from the claims. ' +
      'A host token becomes a session on first use: POST /api/auth/logout ends it for good.',
  },
  serviceKey: {
    type: 'http',
    scheme: 'bearer',
    description: "The host platform's SERVICE_API_KEY, sent as `Authorization: Bearer <key>`. Without one configured, the integration API is closed.",
  },
};

const SECURITY: Record<Auth, Json[]> = {
  none: [],
  user: [{ sessionCookie: [] }, { bearerToken: [] }],
  admin: [{ sessionCookie: [] }, { bearerToken: [] }],
  service: [{ serviceKey: [] }],
};

/** Errors any route of a kind can answer, so each operation lists only its own. */
const IMPLIED_ERRORS: Record<Auth, ErrorCode[]> = {
  none: [],
  user: ['UNAUTHENTICATED', 'MFA_ENROLLMENT_REQUIRED'],
  admin: ['UNAUTHENTICATED', 'FORBIDDEN', 'MFA_ENROLLMENT_REQUIRED'],
  service: ['UNAUTHENTICATED'],
};

const ACCESS_REASON = 'Why the admin opens this; kept on the audit row (a read without a reason is flagged).';
const ADMIN_PARAMETERS: Json[] = [
  { name: 'reason', in: 'query', required: false, description: ACCESS_REASON, schema: { type: 'string', maxLength: 500 } },
  { name: 'X-Access-Reason', in: 'header', required: false, description: ACCESS_REASON, schema: { type: 'string', maxLength: 500 } },
];

const ref = (schema: z.ZodType) => ({ $ref: `#/components/schemas/${componentName(schema)}` });
const content = (c: Content) => Object.fromEntries(Object.entries(c).map(([type, schema]) => [type, { schema: ref(schema) }]));

/** `/api/chat/messages/:id/reactions/:emoji` → `/api/chat/messages/{id}/reactions/{emoji}`. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/** The fields of a params or query schema, one OpenAPI parameter each, as clients send them. */
function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined): Json[] {
  if (!schema) return [];
  const js = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s }));
}

function errorAnswers(op: Operation): Record<string, Json> {
  const codes = new Set<ErrorCode>([...IMPLIED_ERRORS[op.auth], ...(op.params || op.query || op.body ? (['VALIDATION_FAILED'] as const) : []), ...(op.errors ?? [])]);
  if (op.duringMfaEnrollment) codes.delete('MFA_ENROLLMENT_REQUIRED');
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  const answers: Record<string, Json> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b))
    answers[status] = { description: list.join(', '), content: content({ 'application/json': ErrorResponseSchema }) };
  return answers;
}

const answer = (a: Answer): Json => ({ description: a.description, ...(a.content ? { content: content(a.content) } : {}) });

const operationId = (op: Operation) =>
  op.method.toLowerCase() +
  op.path
    .replace(/^\/api\//, '/')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

function operationObject(op: Operation): Json {
  const params = [...parameters('path', op.params), ...parameters('query', op.query), ...(op.auth === 'admin' ? ADMIN_PARAMETERS : [])];
  const answers = { ...errorAnswers(op), ...Object.fromEntries(Object.entries(op.answers).map(([status, a]) => [status, answer(a)])) };
  return {
    operationId: operationId(op),
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    security: SECURITY[op.auth],
    ...(params.length ? { parameters: params } : {}),
    ...(op.body ? { requestBody: { required: true, content: content(op.body) } } : {}),
    responses: {
      ...answers,
      default: { description: 'INTERNAL, or SERVICE_UNAVAILABLE while the server restarts', content: content({ 'application/json': ErrorResponseSchema }) },
    },
  };
}

/** Named schemas as OpenAPI components, described as clients send them (see the note below). */
function componentSchemas(): Record<string, Json> {
  // The input side: zod's output side closes every object (additionalProperties: false), but
  // the protocol lets the server add fields, so clients must accept ones they do not know.
  const { schemas } = z.toJSONSchema(registry, { io: 'input', metadata: registry, uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, { $id: _id, $schema: _schema, ...rest }]) => [id, rest]));
}

function build(): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const op of OPERATIONS) {
    const item = (paths[openApiPath(op.path)] ??= {});
    const method = op.method.toLowerCase();
    if (item[method]) throw new Error(`${op.method} ${op.path} is documented twice`);
    item[method] = operationObject(op);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'CareChat API',
      version: '1',
      description:
        'JSON over HTTP. Every error answer is `{"error": {"code", "message"}}`; codes are stable, messages are for people. ' +
        'Times are ISO-8601 UTC. Real-time events (Socket.IO, path /socket.io) are described in the wire protocol, not here.',
    },
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: { schemas: componentSchemas(), securitySchemes: SECURITY_SCHEMES },
  };
}

let built: OpenApiDocument | undefined;

/** Built once, on first use: it depends only on the code. */
export function openApiDocument(): OpenApiDocument {
  return (built ??= build());
}
