import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket as TcpSocket } from 'node:net';
import { Server } from 'socket.io';
import { capAnonymousSessions, sessionSignedIn, SIGN_IN_WITHIN_MS } from './anonymous-sessions.js';
import type { AuthService } from '../auth/auth.service.js';
import { every } from '../clock.js';
import type { Deps } from '../context.js';
import { toAppError } from '../errors.js';
import { SESSION_COOKIE } from '../http/authenticate.js';
import { trustConnection } from '../http/connections.js';
import { originAllowed } from '../http/origin.js';
import type { Presence } from '../presence/presence.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Inflight } from './inflight.js';
import { Notifier, sessionRoom, userRoom, type Io } from './notifier.js';
import { limitDevicesPerPerson } from './device-limit.js';
import { eventBudget } from './rate-limit.js';
import type { SocketContext } from './with-ack.js';

// A message is at most 5000 characters (20 KB of UTF-8); nothing a client sends needs more.
const MAX_SOCKET_PAYLOAD = 64 * 1024;
/** A person whose socket was disconnected for flooding opens none on this process for this long. */
const FLOOD_HOLD_OFF_MS = 10_000;

export function initIo(httpServer: HttpServer, deps: Deps): Io {
  const io = new Server(httpServer, {
    path: '/socket.io',
    maxHttpBufferSize: MAX_SOCKET_PAYLOAD,
    perMessageDeflate: false,
    // Same-origin only: the web app is served from this server. No CORS headers are sent.
    cors: undefined,
    serveClient: false,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    // A session that has not signed in by then is closed (socket.io's default is 45 s): real
    // clients send their CONNECT the moment the handshake answers.
    connectTimeout: SIGN_IN_WITHIN_MS,
  }) as Io;
  capAnonymousSessions(io, deps.config.http.anonymousConnectionsPerIp, deps.config.trustProxy);
  // After Socket.IO has attached: it takes over the listeners present before it.
  answerRefusalsInProtocolShape(httpServer);
  return io;
}

/**
 * engine.io refuses a malformed /socket.io request (an unknown transport or session, an
 * OPTIONS, a bad handshake) with `{code: 0, message}` of its own, 400 or 403. Clients read only
 * the status; the body is rewritten into the protocol's `{error: {code, message}}`. Runs before
 * engine.io's own listener, and touches only answers of 400 and more.
 */
function answerRefusalsInProtocolShape(httpServer: HttpServer): void {
  httpServer.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.startsWith('/socket.io/')) return;
    const end = res.end.bind(res) as (body?: string) => ServerResponse;
    res.end = ((body?: unknown) => {
      if (res.statusCode < 400 || typeof body !== 'string') return end(body as string | undefined);
      let message = 'request: not a Socket.IO request this server takes';
      try {
        const parsed = JSON.parse(body) as { message?: unknown };
        if (typeof parsed.message === 'string') message = `socket.io: ${parsed.message}`;
      } catch {
        // not engine.io's JSON: keep the general message
      }
      const code = res.statusCode === 403 ? 'FORBIDDEN' : 'VALIDATION_FAILED';
      return end(JSON.stringify({ error: { code, message } }));
    }) as ServerResponse['end'];
  });
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** What the sockets' handshake and lifetime work with, besides the process's Deps. */
export interface SocketHandlerDeps {
  auth: AuthService;
  presence: Presence;
  notifier: Notifier;
  /** Event handlers' work, which shutdown waits for. */
  inflight: Inflight;
  metrics: Metrics;
  /** Registers each feature's events on a signed-in socket. */
  registerFeatureEvents(ctx: SocketContext): void;
}

/**
 * Handshake (origin, then credentials), rooms, presence, per-socket rate limits, session
 * expiry. Feature events are registered by `registerFeatureEvents`.
 */
export function attachSocketHandlers(io: Io, deps: Deps, handlerDeps: SocketHandlerDeps): { close(): void } {
  const { config, log } = deps;
  const { auth, presence, notifier, inflight, metrics } = handlerDeps;
  const signedInSessions = new Set<string>();
  io.engine.on('headers', (_headers: unknown, req: { url?: string; socket: TcpSocket }) => {
    const sid = /[?&]sid=([^&]+)/.exec(req.url ?? '')?.[1];
    if (sid && signedInSessions.has(sid)) trustConnection(req.socket);
  });

  io.use((socket, next) => {
    const headers = socket.handshake.headers;
    if (
      !originAllowed(
        headers.origin,
        headers.host,
        config.allowedOrigins,
        handshakeScheme(socket.handshake, config.trustProxy),
      )
    ) {
      log.warn({ origin: headers.origin }, 'socket refused: origin not allowed');
      return next(new Error('FORBIDDEN'));
    }
    const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const token = typeof fromAuth === 'string' ? fromAuth : cookieValue(headers.cookie, SESSION_COOKIE);
    auth
      .authenticate(token, { ip: socket.handshake.address ?? null, userAgent: headers['user-agent'] ?? null })
      .then((actor) => {
        socket.data.actor = actor;
        // The WebSocket's connection (or the first long-polling request's) no longer counts
        // as anonymous; nor do the long-polling requests of this session that follow.
        trustConnection(socket.request.socket);
        sessionSignedIn(socket.conn);
        // Engine.IO's types keep the session id private; it is the `sid` of every request.
        const sid = (socket.conn as unknown as { id: string }).id;
        signedInSessions.add(sid);
        socket.conn.once('close', () => signedInSessions.delete(sid));
        next();
      })
      .catch((err: unknown) => {
        const { error, internal } = toAppError(err);
        if (internal) log.error({ err: { message: (err as Error)?.message } }, 'socket authentication failed');
        // MFA_ENROLLMENT_REQUIRED is named so a client knows that signing in again will not help.
        const passOn = error.code === 'SERVICE_UNAVAILABLE' || error.code === 'MFA_ENROLLMENT_REQUIRED';
        next(new Error(passOn ? error.code : 'UNAUTHENTICATED'));
      });
  });

  const devices = limitDevicesPerPerson(io, presence, config.socketsPerUser);

  io.on('connection', (socket) => {
    const actor = socket.data.actor;
    const socketLog = log.child({ socketId: socket.id, userId: actor.id });
    socket.use(
      eventBudget({
        perWindow: config.socketEventsPer10s,
        windowMs: 10_000,
        clock: deps.clock,
        onRefused: () => metrics.socketEventsRefused.inc(),
        onFlooding: () => {
          socketLog.warn('socket disconnected: it went on sending far past its event budget');
          devices.holdOff(actor.id, FLOOD_HOLD_OFF_MS);
          socket.disconnect(true);
        },
      }),
    );
    void socket.join(userRoom(actor.id));
    void socket.join(sessionRoom(actor.sessionId));
    // A host-platform token ends at its `exp` however active its session; the socket goes with it.
    const hostTokenEnds = actor.hostTokenExpiresAt;
    const expiry =
      typeof hostTokenEnds === 'number'
        ? deps.clock.setTimeout(
            () => {
              socket.emit('session:ended', { reason: 'expired', code: 'UNAUTHENTICATED' });
              socket.disconnect(true);
            },
            Math.max(0, hostTokenEnds - deps.clock.now()),
          )
        : undefined;

    const ctx: SocketContext = {
      socket,
      actor,
      log: socketLog,
      inflight,
      metrics,
      touch: async () => {
        try {
          await auth.touch(actor.sessionId);
        } catch (err) {
          // An expired session is not revived by a late event: the socket goes with it, once
          // the event's refusal has been acked (setImmediate runs after that).
          const sessionId = actor.sessionId;
          if ((err as { code?: string }).code === 'UNAUTHENTICATED')
            setImmediate(() => notifier.endSession(sessionId, 'expired'));
          throw err;
        }
      },
    };
    handlerDeps.registerFeatureEvents(ctx);

    // Tracked so shutdown waits for the last-seen writes of the sockets it disconnects.
    const presenceFailed = (err: unknown) =>
      socketLog.warn({ err: { message: (err as Error).message } }, 'presence update failed');
    void inflight.track(() => presence.connected(actor.id).catch(presenceFailed));
    socket.on('disconnect', () => {
      if (expiry) deps.clock.clearTimeout(expiry);
      void inflight.track(() => presence.disconnected(actor.id).catch(presenceFailed));
    });
  });

  // Idle sessions end on the server's clock: their sockets are told and disconnected.
  const sweep = every(deps.clock, config.sessionSweepMs, () => {
    const ids = [...io.of('/').adapter.rooms.keys()]
      .filter((r) => r.startsWith('session:'))
      .map((r) => r.slice('session:'.length));
    auth
      .endLapsedSessions(ids)
      .catch((err: unknown) => log.warn({ err: { message: (err as Error).message } }, 'session sweep failed'));
  });

  return { close: () => sweep.stop() };
}

/** The scheme the handshake came in with, as Fastify's `req.protocol` reads it for HTTP requests. */
function handshakeScheme(
  handshake: { secure: boolean; headers: Record<string, string | string[] | undefined> },
  trustProxy: boolean,
): 'http' | 'https' {
  const forwarded = trustProxy ? handshake.headers['x-forwarded-proto'] : undefined;
  if (typeof forwarded !== 'string') return handshake.secure ? 'https' : 'http';
  // A header passed through several proxies lists their schemes; the first is the client's.
  const [first = ''] = forwarded.split(',');
  return first.trim() === 'https' ? 'https' : 'http';
}
