import { createECDH, createDecipheriv, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';

export interface ReceivedPush {
  at: number;
  /** The decrypted payload, parsed. */
  payload: Record<string, unknown>;
  /** The decrypted payload as text, to check that nothing else is in it. */
  text: string;
  headers: http.IncomingHttpHeaders;
  /** The VAPID JWT's claims and the public key it was verified with. */
  vapid: { claims: { aud: string; exp: number; sub: string }; publicKey: string };
  /** What this service did with it: a status (201 is delivered), or an answer it never gave. */
  answer: Answer;
}

/**
 * `reset`: the connection is dropped without an answer (a network failure, to the sender).
 * `hang`: no answer ever; the request stays open until the sender gives up.
 */
export type Answer = number | 'reset' | 'hang';

export interface TestSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

interface Device {
  ecdh: ReturnType<typeof createECDH>;
  auth: Buffer;
  received: ReceivedPush[];
  answers: Answer[];
}

const b64url = (b: Buffer) => b.toString('base64url');

/** ES256 over `header.payload`, signature as raw r||s, key as an uncompressed P-256 point. */
function verifyVapid(authorization: string | undefined): ReceivedPush['vapid'] {
  const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(authorization ?? '');
  if (!m) throw new Error(`not a VAPID authorization: ${authorization}`);
  const [header, claims, signature] = m[1]!.split('.') as [string, string, string];
  if (JSON.parse(Buffer.from(header, 'base64url').toString()).alg !== 'ES256')
    throw new Error('VAPID JWT is not ES256');
  const point = Buffer.from(m[2]!, 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Error('VAPID key is not an uncompressed P-256 point');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) },
    format: 'jwk',
  });
  const ok = verify(
    'sha256',
    Buffer.from(`${header}.${claims}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!ok) throw new Error('VAPID signature does not verify');
  return { claims: JSON.parse(Buffer.from(claims, 'base64url').toString()), publicKey: m[2]! };
}

/** RFC 8291 decryption of a one-record RFC 8188 aes128gcm body, as the browser would. */
function decrypt(body: Buffer, device: Device): string {
  const salt = body.subarray(0, 16);
  const idLength = body[20]!;
  const senderKey = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const secret = device.ecdh.computeSecret(senderKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), device.ecdh.getPublicKey(), senderKey]);
  const ikm = Buffer.from(hkdfSync('sha256', secret, device.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then any zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('no last-record delimiter');
  return padded.subarray(0, end).toString('utf8');
}

/**
 * A push service of the tests' own (RFC 8030) on a local port: it checks each request's VAPID
 * JWT signature, decrypts the body with the subscription's private key, records what it got
 * and answers as a test queued (201 by default; or drops the connection, or never answers).
 */
export async function startPushService() {
  const devices = new Map<string, Device>();
  const failures: string[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const device = devices.get(req.url?.replace('/push/', '') ?? '');
      if (req.method !== 'POST' || !device) return void res.writeHead(404).end();
      try {
        if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('body is not aes128gcm');
        const vapid = verifyVapid(req.headers.authorization);
        const text = decrypt(Buffer.concat(chunks), device);
        const answer = device.answers.shift() ?? 201;
        device.received.push({ at: Date.now(), payload: JSON.parse(text), text, headers: req.headers, vapid, answer });
        if (answer === 'reset') req.socket.destroy();
        else if (answer === 'hang') {
          hanging.add(res);
          res.once('close', () => hanging.delete(res));
        } else res.writeHead(answer).end();
      } catch (err) {
        failures.push((err as Error).message);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    /** Requests that failed verification or decryption (a test expects none). */
    failures,
    /** A new browser: its keys and an endpoint on this service. */
    subscribe(): TestSubscription {
      const id = randomBytes(8).toString('hex');
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      devices.set(id, { ecdh, auth, received: [], answers: [] });
      return { endpoint: `${origin}/push/${id}`, keys: { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(auth) } };
    },
    received(sub: TestSubscription): ReceivedPush[] {
      return devices.get(sub.endpoint.split('/push/')[1]!)!.received;
    },
    /** The next answers for this subscription, in order; then 201 again. */
    answer(sub: TestSubscription, ...answers: Answer[]): void {
      devices.get(sub.endpoint.split('/push/')[1]!)!.answers.push(...answers);
    },
    /** Requests held open without an answer right now (`hang`), on any subscription. */
    hanging: () => hanging.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The push service for a test file: started before its tests, checked (no push it could not
 * verify or decrypt) and closed after them. Fields read through to the running service.
 */
export function usePushService(): Awaited<ReturnType<typeof startPushService>> {
  let service: Awaited<ReturnType<typeof startPushService>> | undefined;
  beforeAll(async () => {
    service = await startPushService();
  });
  afterAll(async () => {
    expect(service?.failures).toEqual([]);
    await service?.close();
  });
  return new Proxy({} as Awaited<ReturnType<typeof startPushService>>, {
    get: (_, key) => {
      const value = (service as any)[key];
      return typeof value === 'function' ? value.bind(service) : value;
    },
  });
}
