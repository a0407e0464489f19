import type { IncomingMessage } from 'node:http';
import { addressKey } from '../http/connections.js';
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
  const open = new Map<string, number>();
  const places = new WeakMap<IncomingMessage, () => void>();
  const take = (address: string) => {
    open.set(address, (open.get(address) ?? 0) + 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    };
  };
  // engine.io asks this for handshakes only (requests without a session id).
  io.engine.opts.allowRequest = (req: IncomingMessage, answer: (err: string | null, success: boolean) => void) => {
    const address = addressKey(req.socket.remoteAddress ?? '');
    if ((open.get(address) ?? 0) >= perAddress) return answer('too many sessions not signed in from this address', false);
    const release = take(address);
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
