import path from 'node:path';
import { ROLES, TimeZone, type Role } from '@carechat/protocol';
import { z } from 'zod';
import { normalOrigin } from './http/origin.js';

const commaList = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * Every variable the server reads, and nothing else: the README's configuration table lists
 * exactly these (config.test.ts checks it).
 */
export const Env = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./.carechat'),
  DATABASE_URL: z.string().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(3).max(200).default(20),
  /**
   * Statements each step of a send may run at once. Fewer, larger groups commit less often:
   * on a 2-core machine 3 gave a lower delivery p50 than 6 in three runs out of three at
   * 1,000 msg/s. A database server with more cores may want more.
   */
  DATABASE_SEND_LANES: z.coerce.number().int().min(1).max(64).default(3),
  DEMO_SEED: bool.optional(),
  DEMO_PASSWORD: z.string().min(1).default('carechat-demo'),
  MASTER_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 32 bytes as 64 hex characters')
    .optional(),
  MASTER_KEY_VERSION: z.coerce.number().int().positive().default(1),
  MASTER_KEYS_PREVIOUS: z
    .string()
    .regex(/^(\d+:[0-9a-fA-F]{64})(,\d+:[0-9a-fA-F]{64})*$/, 'must be version:hex pairs separated by commas')
    .optional(),
  AUTH_JWT_SECRET: z.string().min(1).optional(),
  AUTH_JWT_ISSUER: z.string().min(1).optional(),
  AUTH_JWT_AUDIENCE: z.string().min(1).optional(),
  AUTH_JWKS_URL: z
    .string()
    .url()
    .regex(/^https?:\/\//, 'must be an http(s) URL')
    .optional(),
  AUTH_JWKS_COOLDOWN_SECONDS: z.coerce.number().min(0).default(30),
  AUTH_JWT_MAX_LIFETIME_MINUTES: z.coerce
    .number()
    .positive()
    .default(24 * 60),
  SERVICE_API_KEY: z.string().min(1).optional(),
  CLAMD_URL: z.string().optional(),
  CLAMD_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  REDIS_URL: z.string().optional(),
  REDIS_PREFIX: z.string().max(100).default('carechat:'),
  WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  METRICS_TOKEN: z.string().min(16).optional(),
  VAPID_PUBLIC_KEY: z.string().min(40).optional(),
  VAPID_PRIVATE_KEY: z.string().min(20).optional(),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, 'must be a mailto: or https: URL')
    .default('mailto:security@carechat.invalid'),
  PUSH_ALLOW_HTTP_ENDPOINTS: bool.default(false),
  /** How often each process looks for pushes the fast path missed (a crash after a send's commit). */
  PUSH_SWEEP_SECONDS: z.coerce.number().positive().default(5),
  /** A message this recent is left to the fast path (and to its recipient's delivery receipt). */
  PUSH_SWEEP_AFTER_SECONDS: z.coerce.number().min(0).default(10),
  /** Older messages are not pushed about any more; migration 0011's backfill covers a week. */
  PUSH_SWEEP_WINDOW_HOURS: z.coerce.number().positive().max(168).default(24),
  /** Where people open the app: reminders link there. */
  PUBLIC_URL: z
    .string()
    .url()
    .regex(/^https?:\/\//, 'must be an http(s) URL')
    .optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  SMTP_FROM: z.string().min(3).default('CareChat <no-reply@carechat.invalid>'),
  SMS_URL: z
    .string()
    .url()
    .regex(/^https?:\/\//, 'must be an http(s) URL')
    .optional(),
  SMS_USER: z.string().min(1).optional(),
  SMS_TOKEN: z.string().min(1).optional(),
  REMINDER_AFTER_MINUTES: z.coerce.number().positive().default(30),
  /** The clinic's zone: quiet hours of people who never set their own are read in it. */
  REMINDER_TIME_ZONE: TimeZone.default('UTC'),
  REMINDER_SWEEP_SECONDS: z.coerce.number().positive().default(30),
  /** A message asking for acknowledgement: minutes between its reminders to the patient, and how many at most. */
  ACK_REMINDER_MINUTES: z.coerce.number().positive().default(60),
  ACK_REMINDER_LIMIT: z.coerce.number().int().min(0).max(20).default(3),
  /** Shown to a patient marking a message urgent; unset, the apps show their own wording in the person's language. */
  EMERGENCY_NOTICE: z.string().trim().min(1).max(500).optional(),
  S3_BUCKET: z.string().min(1).optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ENDPOINT: z.string().url().optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  ALLOWED_ORIGINS: z.string().optional(),
  /**
   * Pages that may frame /embed. Each goes into a Content-Security-Policy header, so anything
   * that is not an origin is refused here rather than dropped or written into the header.
   */
  EMBED_ORIGINS: z
    .string()
    .optional()
    .transform((s) => commaList(s).map((o) => normalOrigin(o) ?? o))
    .refine(
      (list) => list.every((o) => normalOrigin(o) === o),
      'must be origins (scheme://host[:port]), comma-separated',
    ),
  /** The oversight page's working hours ("HH:MM-HH:MM", end up to 24:00), on ISO weekdays (1 Monday), in a zone. */
  OVERSIGHT_WORKING_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be HH:MM-HH:MM, such as 07:00-19:00')
    .refine((v) => v.slice(0, 5) < v.slice(6), 'must end after it starts')
    .default('07:00-19:00'),
  OVERSIGHT_WORKING_DAYS: z
    .string()
    .transform((s) => commaList(s).map(Number))
    .pipe(z.array(z.number().int().min(1).max(7), 'must be ISO weekdays 1-7, comma-separated').min(1))
    .default([1, 2, 3, 4, 5]),
  OVERSIGHT_TIME_ZONE: TimeZone.default('UTC'),
  /** Reading this many distinct conversations within OVERSIGHT_BURST_MINUTES is a run the page lists. */
  OVERSIGHT_BURST_CONVERSATIONS: z.coerce.number().int().min(2).default(20),
  OVERSIGHT_BURST_MINUTES: z.coerce.number().positive().default(10),
  SESSION_IDLE_MINUTES: z.coerce.number().positive().default(15),
  SESSION_SWEEP_SECONDS: z.coerce.number().positive().default(15),
  // Roles whose password sign-ins must set up two-factor sign-in first, e.g. "DOCTOR,ADMIN".
  MFA_REQUIRED_ROLES: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(ROLES, 'must be STAFF, PATIENT, DOCTOR or ADMIN, separated by commas')))
    .optional(),
  LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP: z.coerce.number().int().positive().default(5),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(50),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().positive().default(100),
  LOGIN_FAILURE_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  SOCKET_EVENTS_PER_10S: z.coerce.number().int().positive().default(200),
  UPLOADS_IN_FLIGHT_PER_USER: z.coerce.number().int().positive().default(3),
  USER_SENDS_PER_MINUTE: z.coerce.number().int().positive().default(120),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: bool.default(false),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  RETENTION_DAYS: z.coerce.number().positive().default(365),
  // HIPAA §164.316(b)(2): documentation kept six years; audit events are kept seven by default.
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(2192, 'must be at least six years (2192 days)').default(2557),
  ARCHIVE_AFTER_DAYS: z.coerce.number().positive().default(90),
  JOBS_INTERVAL_MINUTES: z.coerce.number().positive().default(60),
  RETENTION_FIRST_RUN_SECONDS: z.coerce.number().min(0).default(30),
  RETENTION_BATCH: z.coerce.number().int().positive().max(10_000).default(500),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  // No one stalls the server for everyone: time-outs and caps on what one client may hold.
  HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().positive().max(300).default(15),
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(600),
  HTTP_IDLE_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).optional(),
  ANONYMOUS_CONNECTIONS_PER_IP: z.coerce.number().int().positive().default(128),
  SOCKETS_PER_USER: z.coerce.number().int().positive().default(20),
});

/**
 * The settings as the server uses them: inferred from the mapping, so a variable is declared
 * in Env and mapped once.
 */
export type Config = ReturnType<typeof toConfig>;

/** Parses the environment once; a wrong value stops the process with a message naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.WORKERS > 1 && !e.REDIS_URL)
    throw new ConfigError("WORKERS above 1 needs REDIS_URL: the processes reach each other's sockets through Redis");
  if (e.WORKERS > 1 && e.TLS_CERT_FILE)
    throw new ConfigError(
      'WORKERS above 1 routes plain HTTP by session: ' +
        'terminate TLS in a proxy in front (TRUST_PROXY=true) instead of TLS_CERT_FILE',
    );
  // An identity provider signs tokens for every application it serves: only the issuer and
  // audience tell which of them are for CareChat.
  if (e.AUTH_JWKS_URL && (!e.AUTH_JWT_ISSUER || !e.AUTH_JWT_AUDIENCE))
    throw new ConfigError(
      'AUTH_JWKS_URL needs AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE: ' +
        'the identity provider also signs tokens for other applications',
    );
  const config = toConfig(e);
  if (config.production) refuseWeakProduction(e);
  return config;
}

/** The parsed variables in the shape the server uses: units in milliseconds, related settings grouped. */
function toConfig(e: z.infer<typeof Env>) {
  const production = e.NODE_ENV === 'production';
  // Everyone who reads patients' data by default: doctors, their care teams (STAFF) and admins.
  const mfaDefault: Role[] = production ? ['DOCTOR', 'STAFF', 'ADMIN'] : [];
  return {
    production,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    /** Unset: start an embedded PostgreSQL under dataDir. */
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    /** At most a third of the pool each, so the rest stays free for everything else. */
    databaseSendLanes: Math.max(1, Math.min(e.DATABASE_SEND_LANES, Math.floor(e.DATABASE_POOL_SIZE / 3))),
    // Embedded mode is the "try it on a bare machine" mode, so it seeds unless told not to.
    demoSeed: !production && (e.DEMO_SEED ?? !e.DATABASE_URL),
    demoPassword: e.DEMO_PASSWORD,
    /** Unset outside production: generated once and kept under dataDir. */
    masterKeyHex: e.MASTER_KEY,
    masterKeyVersion: e.MASTER_KEY_VERSION,
    /** Earlier master keys still needed until `keys:rotate` has re-wrapped everything. */
    previousMasterKeys: new Map(
      (e.MASTER_KEYS_PREVIOUS ?? '')
        .split(',')
        .filter(Boolean)
        .map((pair): [number, string] => {
          const colon = pair.indexOf(':'); // Env's pattern: each pair is version:hex
          return [Number(pair.slice(0, colon)), pair.slice(colon + 1)];
        }),
    ),
    jwtSecret: e.AUTH_JWT_SECRET,
    /** When set, a host JWT's `iss` must equal it. */
    jwtIssuer: e.AUTH_JWT_ISSUER,
    /** When set, a host JWT's `aud` must be it or list it. */
    jwtAudience: e.AUTH_JWT_AUDIENCE,
    /** The host's identity provider's keys: tokens it signs (RS256, ES256, EdDSA) are taken too. */
    jwksUrl: e.AUTH_JWKS_URL,
    /** Least time between two JWKS fetches for a key id not in it (a rotation is seen after at most this). */
    jwksCooldownMs: e.AUTH_JWKS_COOLDOWN_SECONDS * 1000,
    /** A host token living longer than this (by `exp` - `iat`, and by `exp` - now) is refused. */
    jwtMaxLifetimeMs: e.AUTH_JWT_MAX_LIFETIME_MINUTES * 60_000,
    serviceApiKey: e.SERVICE_API_KEY,
    clamdUrl: e.CLAMD_URL,
    clamdTimeoutMs: e.CLAMD_TIMEOUT_MS,
    redisUrl: e.REDIS_URL,
    /** Starts every Redis key and stream name: deployments (or test runs) can share a Redis. */
    redisPrefix: e.REDIS_PREFIX,
    /** Server processes behind PORT (node:cluster); more than one needs Redis. */
    workers: e.WORKERS,
    /** Set: GET /metrics wants it as a bearer token. */
    metricsToken: e.METRICS_TOKEN,
    /** Given keys; unset, a pair is generated once under dataDir. */
    vapid:
      e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY
        ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY, subject: e.VAPID_SUBJECT }
        : null,
    vapidSubject: e.VAPID_SUBJECT,
    /** Tests' own push service speaks plain HTTP; real push services are HTTPS only. */
    pushAllowHttp: !production && e.PUSH_ALLOW_HTTP_ENDPOINTS,
    pushSweep: {
      everyMs: e.PUSH_SWEEP_SECONDS * 1000,
      afterMs: e.PUSH_SWEEP_AFTER_SECONDS * 1000,
      windowMs: e.PUSH_SWEEP_WINDOW_HOURS * 3_600_000,
    },
    /** E-mail and SMS reminders of messages left unread; off when neither channel is configured. */
    reminders: {
      enabled: Boolean(e.SMTP_URL || e.SMS_URL),
      /** The link in every reminder. */
      appUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}/`,
      smtpUrl: e.SMTP_URL,
      smtpFrom: e.SMTP_FROM,
      sms: e.SMS_URL ? { url: e.SMS_URL, user: e.SMS_USER, token: e.SMS_TOKEN } : null,
      afterMs: e.REMINDER_AFTER_MINUTES * 60_000,
      timeZone: e.REMINDER_TIME_ZONE,
      everyMs: e.REMINDER_SWEEP_SECONDS * 1000,
    },
    /** Reminders of messages waiting for the patient's acknowledgement: push, then e-mail and SMS. */
    ackReminders: { intervalMs: e.ACK_REMINDER_MINUTES * 60_000, limit: e.ACK_REMINDER_LIMIT },
    /** The clinic's emergency notice (issue #21 makes it per doctor); undefined: the apps' own wording. */
    emergencyNotice: e.EMERGENCY_NOTICE,
    /** Set: attachments go to this S3-compatible bucket instead of DATA_DIR/attachments. */
    s3: e.S3_BUCKET
      ? {
          bucket: e.S3_BUCKET,
          region: e.S3_REGION,
          endpoint: e.S3_ENDPOINT,
          credentials:
            e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
              ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
              : undefined,
        }
      : null,
    /** Extra browser origins allowed besides the server's own. */
    allowedOrigins: commaList(e.ALLOWED_ORIGINS),
    /** Origins of the host pages that may frame /embed, as browsers write them; empty: none may. */
    embedOrigins: [...new Set(e.EMBED_ORIGINS)],
    /** What the oversight page calls reads outside working hours, and a run of many conversations. */
    oversight: {
      workingHours: {
        start: e.OVERSIGHT_WORKING_HOURS.slice(0, 5),
        end: e.OVERSIGHT_WORKING_HOURS.slice(6),
        days: [...new Set(e.OVERSIGHT_WORKING_DAYS)].sort((a, b) => a - b),
        timeZone: e.OVERSIGHT_TIME_ZONE,
      },
      burst: { conversations: e.OVERSIGHT_BURST_CONVERSATIONS, minutes: e.OVERSIGHT_BURST_MINUTES },
    },
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionSweepMs: e.SESSION_SWEEP_SECONDS * 1000,
    /**
     * Password sign-ins of these roles work only for setting up two-factor sign-in until it is
     * on. Unset: DOCTOR, STAFF and ADMIN in production, none elsewhere (demo accounts, tests).
     */
    mfaRequiredRoles: e.MFA_REQUIRED_ROLES ?? mfaDefault,
    /** The hard limit: wrong passwords for one account from one address. */
    loginMaxFailuresPerAccountAndIp: e.LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP,
    /** Across addresses (a spread-out attack); a device the account signed in on before is exempt. */
    loginMaxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    /** Across accounts (spraying from one address); high enough for a NAT; known devices exempt. */
    loginMaxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
    loginFailureWindowMs: e.LOGIN_FAILURE_WINDOW_MINUTES * 60_000,
    socketEventsPer10s: e.SOCKET_EVENTS_PER_10S,
    /** Uploads one person may have in flight in one process; past it RATE_LIMITED. */
    uploadsInFlightPerUser: e.UPLOADS_IN_FLIGHT_PER_USER,
    /** Messages one person may send a minute, across devices, transports and (with Redis) processes. */
    userSendsPerMinute: e.USER_SENDS_PER_MINUTE,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    /**
     * How many proxies in front append to X-Forwarded-For: the client is the address the outermost
     * of them saw. Entries further left are whatever the client wrote, and it can write anything.
     */
    trustProxyHops: e.TRUST_PROXY_HOPS,
    /** Serve HTTPS directly with these PEM files. */
    tls: e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE } : null,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    /** Messages and their files older than this are deleted for good. */
    retentionDays: e.RETENTION_DAYS,
    /** Conversations with no message for this long are archived for both sides. */
    archiveAfterDays: e.ARCHIVE_AFTER_DAYS,
    jobsIntervalMs: e.JOBS_INTERVAL_MINUTES * 60_000,
    /** Delay before the first retention run after start. */
    retentionFirstRunMs: e.RETENTION_FIRST_RUN_SECONDS * 1000,
    /** Messages deleted per transaction: small batches never hold long locks. */
    retentionBatch: e.RETENTION_BATCH,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    /**
     * Time-outs of the HTTP server (headers, whole request, idle keep-alive) and the open
     * connections one address may hold before any request on them is signed in.
     */
    http: {
      headersTimeoutMs: Math.min(e.HTTP_HEADERS_TIMEOUT_SECONDS, e.HTTP_REQUEST_TIMEOUT_SECONDS) * 1000,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
      // A proxy in front keeps its connections open for reuse (60 s is common): closing ours
      // sooner races its next request, so behind one the default outlasts it.
      idleTimeoutMs: (e.HTTP_IDLE_TIMEOUT_SECONDS ?? (e.TRUST_PROXY ? 72 : 10)) * 1000,
      anonymousConnectionsPerIp: e.ANONYMOUS_CONNECTIONS_PER_IP,
    },
    /** Sockets (devices, tabs) one person may hold at once; past it the handshake is RATE_LIMITED. */
    socketsPerUser: e.SOCKETS_PER_USER,
  };
}

export class ConfigError extends Error {}

/**
 * Production refuses to start on settings that would quietly weaken it: no or a guessable
 * master key, a short JWT secret, no database, or no TLS (directly or behind a proxy).
 */
function refuseWeakProduction(e: z.infer<typeof Env>): void {
  const problems: string[] = [];
  if (!e.MASTER_KEY) problems.push('MASTER_KEY is required (64 hex characters from a secure random source)');
  else if (new Set(e.MASTER_KEY.toLowerCase()).size < 8 || /^(.{2,8})\1+$/.test(e.MASTER_KEY.toLowerCase()))
    problems.push('MASTER_KEY looks guessable (repeated pattern); generate one with `openssl rand -hex 32`');
  if (e.AUTH_JWT_SECRET !== undefined && e.AUTH_JWT_SECRET.length < 32)
    problems.push('AUTH_JWT_SECRET must be at least 32 characters');
  if (e.AUTH_JWKS_URL?.startsWith('http:'))
    problems.push('AUTH_JWKS_URL must be https: keys fetched in the clear could be swapped on the way');
  if (!e.DATABASE_URL) problems.push('DATABASE_URL is required');
  if (Boolean(e.TLS_CERT_FILE) !== Boolean(e.TLS_KEY_FILE)) problems.push('TLS_CERT_FILE and TLS_KEY_FILE go together');
  if (!e.TLS_CERT_FILE && !e.TRUST_PROXY)
    problems.push(
      'TLS is required: set TLS_CERT_FILE and TLS_KEY_FILE, or TRUST_PROXY=true behind a TLS-terminating proxy',
    );
  if (problems.length)
    throw new ConfigError(`Refusing to start in production:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
