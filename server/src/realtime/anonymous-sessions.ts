import type { IncomingMessage } from 'node:http';
import { addressKey } from '../http/connections.js';
import { SlotsPerKey } from '../limits/slots.js';
import type { Io } from './notifier.js';

/** A Socket.IO session must have signed in (its CONNECT carried credentials) within this. */
export const SIGN_IN_WITHIN_MS = 10_000;

interface EngineSocket {
  request: IncomingMessage;
  once(event: 'close', listener: () => void): void;
}

/**
 * Engine.IO opens a session at its handshake, before Socket.IO's CONNECT brings credentials,
 * and a long-polling client can open one after another over a single kept-alive connection:
 * the cap on anonymous connections (http/connections.ts) does not bound them. One address may
 * hold `perAddress` sessions that have not signed in yet; past that a handshake is refused
 * (403, answered in the protocol's shape by io.ts). A place is taken when the handshake is
 * allowed, so handshakes racing each other cannot all slip under the cap, and given back when
 * the session signs in, closes, or never opens. Behind TRUST_PROXY every session comes from
 * the proxy, so none is capped here, as for connections.
 */
export function capAnonymousSessions(io: Io, perAddress: number, behindProxy: boolean): void {
  if (behindProxy) return;
  const slots = new SlotsPerKey(perAddress);
  const places = new WeakMap<IncomingMessage, () => void>();
  // engine.io asks this for handshakes only (requests without a session id).
  io.engine.opts.allowRequest = (req: IncomingMessage, answer: (err: string | null, success: boolean) => void) => {
    const release = slots.tryTake(addressKey(req.socket.remoteAddress ?? ''));
    if (!release) return answer('too many sessions not signed in from this address', false);
    places.set(req, release);
    // A handshake that opened no session (refused later, or the client went) gives it back.
    req.once('close', () => {
      if (places.get(req) === release) release();
    });
    answer(null, true);
  };
  io.engine.on('connection', (engineSocket: EngineSocket) => {
    const release = places.get(engineSocket.request);
    if (!release) return;
    places.delete(engineSocket.request);
    engineSocket.once('close', release);
    sessionPlaces.set(engineSocket, release);
  });
}

const sessionPlaces = new WeakMap<object, () => void>();

/** The session signed in: it no longer counts against its address. */
export function sessionSignedIn(engineSocket: object): void {
  sessionPlaces.get(engineSocket)?.();
}
