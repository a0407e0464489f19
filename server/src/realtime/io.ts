import type { Server as HttpServer } from 'node:http';
import type { Socket as TcpSocket } from 'node:net';
import { Server } from 'socket.io';
import type { AuthService } from '../auth/auth.service.js';
import { endedSessions } from '../auth/sessions.store.js';
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
  return new Server(httpServer, {
    path: '/socket.io',
    maxHttpBufferSize: MAX_SOCKET_PAYLOAD,
    perMessageDeflate: false,
    // Same-origin only: the web app is served from this server. No CORS headers are sent.
    cors: undefined,
    serveClient: false,
    pingInterval: 20_000,
    pingTimeout: 20_000,
  }) as Io;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export interface SocketFeatures {
  register(ctx: SocketContext): void;
}

/**
 * Handshake (origin, then credentials), rooms, presence, per-socket rate limits, session
 * expiry. Feature events are registered by `features`.
 */
export function attachSocketHandlers(
  io: Io,
  deps: Deps,
  auth: AuthService,
  presence: Presence,
  notifier: Notifier,
  inflight: Inflight,
  metrics: Metrics,
  features: SocketFeatures,
): { close(): void } {
  const { config, log } = deps;
  const signedInSessions = new Set<string>();
  io.engine.on('headers', (_headers: unknown, req: { url?: string; socket: TcpSocket }) => {
    const sid = /[?&]sid=([^&]+)/.exec(req.url ?? '')?.[1];
    if (sid && signedInSessions.has(sid)) trustConnection(req.socket);
  });

  io.use((socket, next) => {
    const headers = socket.handshake.headers;
    if (!originAllowed(headers.origin, headers.host, config.allowedOrigins)) {
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
      eventBudget(
        config.socketEventsPer10s,
        10_000,
        () => metrics.socketEventsRefused.inc(),
        () => {
          socketLog.warn('socket disconnected: it went on sending far past its event budget');
          devices.holdOff(actor.id, FLOOD_HOLD_OFF_MS);
          socket.disconnect(true);
        },
      ),
    );
    void socket.join(userRoom(actor.id));
    if (actor.sessionId) void socket.join(sessionRoom(actor.sessionId));
    // A host-platform token ends at its `exp`; the socket goes with it.
    const expiry =
      actor.sessionId === null && actor.expiresAt !== null
        ? setTimeout(() => {
            socket.emit('session:ended', { reason: 'expired', code: 'UNAUTHENTICATED' });
            socket.disconnect(true);
          }, Math.min(2 ** 31 - 1, Math.max(0, actor.expiresAt - Date.now())))
        : undefined;
    expiry?.unref();

    const ctx: SocketContext = {
      socket,
      actor,
      log: socketLog,
      inflight,
      metrics,
      touch: async () => {
        if (!actor.sessionId) return;
        try {
          await auth.touch(actor.sessionId);
        } catch (err) {
          // An expired session is not revived by a late event: the socket goes with it, once
          // the event's refusal has been acked (setImmediate runs after that).
          const sessionId = actor.sessionId;
          if ((err as { code?: string }).code === 'UNAUTHENTICATED') setImmediate(() => notifier.endSession(sessionId, 'expired'));
          throw err;
        }
      },
    };
    features.register(ctx);

    // Tracked so shutdown waits for the last-seen writes of the sockets it disconnects.
    const presenceFailed = (err: unknown) => socketLog.warn({ err: { message: (err as Error).message } }, 'presence update failed');
    void inflight.track(() => presence.connected(actor.id).catch(presenceFailed));
    socket.on('disconnect', () => {
      if (expiry) clearTimeout(expiry);
      void inflight.track(() => presence.disconnected(actor.id).catch(presenceFailed));
    });
  });

  // Idle sessions end on the server's clock: their sockets are told and disconnected.
  const sweep = setInterval(() => {
    const ids = [...io.of('/').adapter.rooms.keys()]
      .filter((r) => r.startsWith('session:'))
      .map((r) => r.slice('session:'.length));
    endedSessions(deps.db, ids, config.sessionIdleMs)
      .then((ended) => ended.forEach((id) => notifier.endSession(id, 'expired')))
      .catch((err: unknown) => log.warn({ err: { message: (err as Error).message } }, 'session sweep failed'));
  }, config.sessionSweepMs);
  sweep.unref();

  return { close: () => clearInterval(sweep) };
}
