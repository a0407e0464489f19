import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import { MAX_ATTACHMENT_BYTES } from '@carechat/protocol';
import fastifyStatic from '@fastify/static';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { registerAdminRoutes } from './admin/admin.http.js';
import { registerAttachmentRoutes } from './attachments/attachments.http.js';
import { AttachmentsService } from './attachments/attachments.service.js';
import { ClamdScanner, DEFAULT_CLAMD_URLS } from './attachments/clamd.js';
import { S3Storage } from './attachments/s3-storage.js';
import { LocalDiskStorage, type BlobStorage } from './attachments/storage.js';
import { AdminService } from './admin/admin.service.js';
import { registerAuthRoutes } from './auth/auth.http.js';
import { AuthService } from './auth/auth.service.js';
import { MemoryLoginLimiter, RedisLoginLimiter } from './auth/login-limiter.js';
import { HostTokenVerifier } from './auth/jwt.js';
import { KnownDevices } from './auth/known-devices.js';
import { MfaService } from './auth/mfa.service.js';
import type { Deps } from './context.js';
import { registerConversationRoutes } from './conversations/conversations.http.js';
import { registerDocsRoutes } from './docs/docs.http.js';
import { registerEmbedRoutes } from './embed/embed.http.js';
import { collectRoutes, type RegisteredRoute } from './docs/routes.js';
import { Metrics } from './metrics/metrics.js';
import { registerMetricsRoutes } from './metrics/metrics.http.js';
import { ConversationsService } from './conversations/conversations.service.js';
import { registerConversationEvents } from './conversations/conversations.socket.js';
import { registerHealthRoutes } from './health/health.http.js';
import { authenticateWith } from './http/authenticate.js';
import { BODY_LIMITS, closeUnreadBodies, installJsonParser } from './http/body.js';
import { applyTimeouts, capAnonymousConnections } from './http/connections.js';
import { registerCors } from './http/cors.js';
import { clientErrorHandler, installErrorHandler } from './http/error-handler.js';
import { requireOwnOrigin } from './http/origin.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { registerIntegrationRoutes } from './integration/integration.http.js';
import { registerCareTeamRoutes } from './care-teams/care-teams.http.js';
import { CareTeamsService } from './care-teams/care-teams.service.js';
import { registerTriageRoutes } from './triage/triage.http.js';
import { TriageService } from './triage/triage.service.js';
import { registerTriageEvents } from './triage/triage.socket.js';
import { IntegrationService } from './integration/integration.service.js';
import { registerAcknowledgementRoutes } from './acknowledgements/acknowledgements.http.js';
import { AcknowledgementsService } from './acknowledgements/acknowledgements.service.js';
import { registerAcknowledgementEvents } from './acknowledgements/acknowledgements.socket.js';
import { registerMessageRoutes } from './messages/messages.http.js';
import { MessagesService } from './messages/messages.service.js';
import { registerMessageEvents } from './messages/messages.socket.js';
import { registerMessageSearchRoute } from './messages/search.http.js';
import { registerManifestRoute } from './webapp/manifest.http.js';
import { Presence } from './presence/presence.js';
import { PushDispatcher } from './push/push.dispatcher.js';
import { registerPushRoutes } from './push/push.http.js';
import { PushService } from './push/push.service.js';
import { loadVapidKeys } from './push/vapid.js';
import { SharedPresence } from './presence/shared-presence.js';
import { ReminderDispatcher, type ReminderPass } from './reminders/reminders.dispatcher.js';
import { registerReminderRoutes } from './reminders/reminders.http.js';
import { RemindersService } from './reminders/reminders.service.js';
import { registerSavedReplyRoutes } from './saved-replies/saved-replies.http.js';
import { SavedRepliesService } from './saved-replies/saved-replies.service.js';
import { connectFanout } from './redis/fanout.js';
import { SendBudget } from './messages/send-budget.js';
import { Inflight } from './realtime/inflight.js';
import { attachSocketHandlers, initIo } from './realtime/io.js';
import { Notifier, type Io } from './realtime/notifier.js';
import { registerReceiptRoutes } from './receipts/receipts.http.js';
import { ReceiptsService } from './receipts/receipts.service.js';
import { registerReceiptEvents } from './receipts/receipts.socket.js';
import { RetentionService, type RetentionRun } from './retention/retention.service.js';
import { TypingService } from './typing/typing.service.js';
import { registerTypingEvents } from './typing/typing.socket.js';
import { UserStatusEffects } from './users/user-status.service.js';

const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export interface App {
  http: FastifyInstance;
  io: Io;
  /** Every route registered, with its docs: the API document and the route tests read these. */
  routes: readonly RegisteredRoute[];
  /** Jobs the server runs on a schedule, callable directly by operators and tests. */
  jobs: {
    sweepUnsentUploads(maxAgeMs?: number): Promise<number>;
    runRetention(): Promise<RetentionRun>;
    /** One reminder pass: queue what is due (read from the services' clock), then send it. */
    runReminders(): Promise<ReminderPass>;
  };
  /**
   * Resolves once nothing is in flight (requests, socket events, presence changes of sockets
   * that left), or after the shutdown grace: tests wait on it instead of a fixed time.
   */
  settled(): Promise<void>;
  /** Stops taking work, waits for what is in flight (acks included), closes sockets. */
  close(): Promise<void>;
}

/** Builds the whole service on `deps` without listening: main.ts listens, tests use port 0. */
export async function createApp(deps: Deps): Promise<App> {
  const { config, log } = deps;
  const https = config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : null;
  const http: FastifyInstance = Fastify({
    https,
    loggerInstance: log as FastifyBaseLogger,
    trustProxy: config.trustProxy ? trustHops(config.trustProxyHops) : false,
    // Routes that take more say so (http/body.ts).
    bodyLimit: BODY_LIMITS.default,
    // Host-platform ids may be 128 characters; Fastify's default stops path params at 100.
    routerOptions: { maxParamLength: 512 },
    genReqId: () => crypto.randomUUID(),
    clientErrorHandler,
    // A malformed URL (bad percent-encoding, an over-long path segment) is refused before
    // routing, where Fastify would answer in its own shape and echo the path: answer in ours.
    frameworkErrors: (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
      if (err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_MAX_PARAM_LENGTH')
        return reply.status(400).send({ error: { code: 'VALIDATION_FAILED', message: 'url: not a valid path' } });
      req.log.error({ err: { message: err.message, code: err.code } }, 'request failed before routing');
      return reply.status(500).send({ error: { code: 'INTERNAL', message: 'Something went wrong on our side' } });
    },
  });
  // First, so it sees every route the plugins and features below register.
  const routes = collectRoutes(http);
  applyTimeouts(http.server, config.http);
  capAnonymousConnections(http.server, config.http.anonymousConnectionsPerIp, config.trustProxy);
  installJsonParser(http);
  closeUnreadBodies(http);
  const state = { shuttingDown: false };
  const inflight = new Inflight();
  http.addHook('onRequest', async (req, reply) => {
    if (state.shuttingDown && req.url.startsWith('/api/')) {
      return reply
        .status(503)
        .send({ error: { code: 'SERVICE_UNAVAILABLE', message: 'The server is restarting; try again' } });
    }
  });
  http.addHook('preHandler', (_req, _reply, done) => {
    void inflight.track(() => new Promise<void>((resolve) => _reply.raw.once('close', resolve)));
    done();
  });

  installSecurityHeaders(http);
  await registerCors(http, config.allowedOrigins);
  requireOwnOrigin(http, config.allowedOrigins);
  await http.register(fastifyCookie);
  await http.register(fastifyMultipart, {
    limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 10, fieldSize: 1024, parts: 20 },
  });
  installErrorHandler(http, existsSync(WEB_DIST) ? 'index.html' : null);
  if (existsSync(WEB_DIST)) await http.register(fastifyStatic, { root: WEB_DIST, wildcard: false });

  const io = initIo(http.server, deps);
  const redis = await connectFanout(io, config, log);
  const metrics = new Metrics(io, { main: deps.db, send: deps.sendDb }, redis);
  const notifier = new Notifier(io, redis, metrics);
  const presence = new Presence(deps, notifier, redis ? new SharedPresence(redis, crypto.randomUUID()) : null);
  const limits = {
    windowMs: config.loginFailureWindowMs,
    maxPerAccountAndSource: config.loginMaxFailuresPerAccountAndIp,
    maxPerAccount: config.loginMaxFailuresPerAccount,
    maxPerSource: config.loginMaxFailuresPerIp,
  };
  const loginLimiter = redis ? new RedisLoginLimiter(redis, limits) : new MemoryLoginLimiter(limits);
  const mfa = new MfaService(deps, loginLimiter);
  const hostTokens = new HostTokenVerifier(
    {
      secret: config.jwtSecret,
      jwksUrl: config.jwksUrl,
      jwksCooldownMs: config.jwksCooldownMs,
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      maxLifetimeMs: config.jwtMaxLifetimeMs,
    },
    log,
  );
  const auth = new AuthService(deps, {
    notifier,
    mfa,
    loginLimiter,
    hostTokens,
    knownDevices: new KnownDevices(deps.keyring.deriveKey('known-device-cookie')),
  });
  const conversations = new ConversationsService(deps, notifier, presence);
  const storage: BlobStorage = config.s3
    ? new S3Storage(config.s3)
    : new LocalDiskStorage(path.join(config.dataDir, 'attachments'));
  const scanner = new ClamdScanner(config.clamdUrl ? [config.clamdUrl] : DEFAULT_CLAMD_URLS, config.clamdTimeoutMs);
  const attachments = new AttachmentsService(deps, storage, scanner);
  const pushDispatcher = new PushDispatcher(deps, await loadVapidKeys(config, log), presence);
  const push = new PushService(deps, presence, pushDispatcher);
  const reminderDispatcher = new ReminderDispatcher(deps, presence);
  const reminders = new RemindersService(deps);
  const sendBudget = new SendBudget(config.userSendsPerMinute, redis);
  const typing = new TypingService(deps, notifier);
  const messages = new MessagesService(deps, {
    notifier,
    sendBudget,
    removeAttachmentFiles: (keys) => attachments.removeBlobs(keys),
    pushNewMessage: (conv, senderId) => push.messageSent(conv, senderId),
    refreshConversationRows: (conversationId, userIds) => conversations.notifyUpdated(conversationId, userIds),
    stopTyping: (conversationId, userId) => typing.stopped(conversationId, userId),
  });
  const receipts = new ReceiptsService(deps, notifier, conversations);
  const acknowledgements = new AcknowledgementsService(deps, notifier);
  const statusEffects = new UserStatusEffects(deps, notifier, conversations);
  const admin = new AdminService(deps, { statusEffects, conversations, messages });
  const careTeams = new CareTeamsService(deps, conversations);
  const triage = new TriageService(deps, conversations);
  const integration = new IntegrationService(deps, statusEffects, conversations, careTeams);

  const authenticate = authenticateWith(auth);
  registerHealthRoutes(http, deps, state, redis);
  registerAuthRoutes(http, deps, { auth, mfa, authenticate });
  registerConversationRoutes(http, conversations, authenticate);
  registerTriageRoutes(http, triage, authenticate);
  registerMessageRoutes(http, messages, authenticate);
  registerMessageSearchRoute(http, deps, authenticate);
  registerReceiptRoutes(http, receipts, authenticate);
  registerAcknowledgementRoutes(http, acknowledgements, authenticate);
  registerAdminRoutes(http, { messages, admin, attachments }, authenticate);
  registerIntegrationRoutes(http, deps, integration);
  registerCareTeamRoutes(http, config, careTeams);
  registerAttachmentRoutes(http, attachments, authenticate);
  registerPushRoutes(http, push, authenticate);
  registerReminderRoutes(http, reminders, authenticate);
  registerSavedReplyRoutes(http, config, new SavedRepliesService(deps), authenticate);
  registerEmbedRoutes(http, config.embedOrigins, WEB_DIST);
  registerManifestRoute(http);
  registerDocsRoutes(http, routes);
  registerMetricsRoutes(http, config, metrics);

  // Scheduled jobs: unsent uploads go after 24 hours; retention and idle archiving. On the
  // machine's clock, not deps.clock: tests run them through `jobs`, and a test moving a fake
  // clock hours on (reminders) would otherwise run them against other test files' data.
  const retention = new RetentionService(deps, (keys) => attachments.removeBlobs(keys));
  const jobFailed = (job: string) => (err: unknown) =>
    log.warn({ job, err: { message: (err as Error).message } }, 'scheduled job failed');
  const sweepUnsent = setInterval(() => attachments.sweepUnsent().catch(jobFailed('unsent-uploads')), 15 * 60_000);
  const retentionTimer = setInterval(() => retention.run().catch(jobFailed('retention')), config.jobsIntervalMs);
  const firstRetention = setTimeout(() => retention.run().catch(jobFailed('retention')), config.retentionFirstRunMs);
  sweepUnsent.unref();
  retentionTimer.unref();
  firstRetention.unref();

  // Redis back after an outage: presence is put right and the people whose events did not
  // reach other processes are sent their conversations' new state, so their devices catch up.
  presence.start();
  pushDispatcher.start();
  reminderDispatcher.start();
  redis?.on('up', () => {
    void (async () => {
      await presence.resync();
      for (const [conversationId, userIds] of notifier.takeMissed())
        await conversations.notifyUpdated(conversationId, userIds);
    })().catch((err: unknown) => log.warn({ err: { message: (err as Error).message } }, 'fan-out catch-up failed'));
  });

  const sockets = attachSocketHandlers(io, deps, {
    auth,
    presence,
    notifier,
    inflight,
    metrics,
    registerFeatureEvents(ctx) {
      registerMessageEvents(ctx, messages);
      registerReceiptEvents(ctx, receipts);
      registerAcknowledgementEvents(ctx, acknowledgements);
      registerTypingEvents(ctx, typing);
      registerConversationEvents(ctx, conversations);
      registerTriageEvents(ctx, triage);
    },
  });

  return {
    http,
    io,
    routes,
    settled: () => inflight.drained(config.shutdownGraceMs),
    jobs: {
      sweepUnsentUploads: (maxAgeMs) => attachments.sweepUnsent(maxAgeMs),
      runRetention: () => retention.run(),
      runReminders: () => reminderDispatcher.run(),
    },
    async close() {
      state.shuttingDown = true;
      inflight.closing = true;
      sockets.close();
      typing.close();
      sendBudget.close();
      pushDispatcher.stop();
      const remindersStopped = reminderDispatcher.stop();
      clearInterval(sweepUnsent);
      clearInterval(retentionTimer);
      clearTimeout(firstRetention);
      await inflight.drained(config.shutdownGraceMs);
      // Events already read from the sockets' buffers are answered (refused) within a tick or
      // two; let those answers go out before the connections close.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await inflight.drained(config.shutdownGraceMs);
      // This process's sockets only: through the adapter it would disconnect every process's.
      io.local.disconnectSockets(true);
      await inflight.drained(config.shutdownGraceMs);
      await remindersStopped;
      await presence.stop();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await http.close();
      await redis?.close();
    },
  };
}

/**
 * Trusts the connecting peer (the proxy in front) and the `hops` - 1 proxies it names before
 * it: the client is the address the outermost saw. `true` would take the leftmost
 * X-Forwarded-For entry, which the client writes itself (sign-in limits per address, audit
 * rows); a bare hop count is refused by Fastify as unable to vouch for the peer.
 */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;
