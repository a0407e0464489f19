import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../config.js';
import { SlotsPerKey } from '../limits/slots.js';

/** Each counted connection's way out of its address's count (its guard's). */
const releases = new WeakMap<Socket, () => void>();

/**
 * Node's HTTP time-outs: the headers must arrive within `headersTimeoutMs` of the connection
 * or of the previous request (a client trickling them is cut with 408), the whole request
 * within `requestTimeoutMs` (a 10 MiB upload over a slow phone link included), and a
 * kept-alive connection with no request goes after `idleTimeoutMs`. Upgraded connections
 * (WebSocket) leave the HTTP server's care and keep their own ping; a long-polling request
 * has arrived whole before its answer is held; neither is cut by these. Set on the server
 * rather than through Fastify's options, which take them for HTTP or HTTPS, not both.
 */
export function applyTimeouts(server: Server, http: Config['http']): void {
  server.headersTimeout = http.headersTimeoutMs;
  server.requestTimeout = http.requestTimeoutMs;
  server.keepAliveTimeout = http.idleTimeoutMs;
  // Node looks for expired requests this often (every 30 s by default, which would double a
  // 15 s time-out), when the server starts listening; only connections mid-request are looked at.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(
    100,
    Math.min(1000, http.headersTimeoutMs / 4),
  );
}

/**
 * Caps the connections one address may hold open before any request on them has been signed
 * in (`trustConnection`): past `perAddress` a new one is closed at once, before it costs a
 * parser or a time-out's worth of waiting. Signed-in connections do not count, so a clinic
 * behind one address is limited only while its people are on the sign-in page. Behind
 * TRUST_PROXY every connection comes from the proxy, so none is capped here: the proxy,
 * which sees the clients, must cap them (nginx's `limit_conn`, and its request buffering
 * keeps trickled requests from reaching us). Per process: WORKERS=N allows N times as many.
 */
export function capAnonymousConnections(server: Server, perAddress: number, behindProxy: boolean): void {
  if (behindProxy) return;
  const slots = new SlotsPerKey(perAddress);
  server.prependListener('connection', (socket: Socket) => {
    const giveBack = slots.tryTake(addressKey(socket.remoteAddress ?? ''));
    if (!giveBack) {
      socket.destroy();
      return;
    }
    const release = () => {
      releases.delete(socket);
      giveBack();
    };
    releases.set(socket, release);
    socket.once('close', release);
  });
}

/**
 * The address connections are counted under: an IPv4 address (IPv4-mapped ones included), or
 * an IPv6 address's /64, the block one subscriber is given and can rotate through at will.
 */
export function addressKey(address: string): string {
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** A request on this connection was signed in: it no longer counts against its address. */
export function trustConnection(socket: Socket | undefined | null): void {
  if (!socket) return;
  // Under TLS the request's socket wraps the TCP connection that was counted.
  const raw = (socket as Socket & { _parent?: Socket })._parent ?? socket;
  releases.get(raw)?.();
}
