import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { signJwt, startTestApp, TEST_JWT_SECRET, uniqueId, type TestApp } from '../test/app.js';
import { HttpClient } from '../test/http-client.js';
import { connectClient, type TestSocket } from '../test/socket-client.js';

const ISSUER = 'https://idp.host.test';
const AUDIENCE = 'carechat';

interface TestKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  jwk: JWK;
  spki: string;
}

async function newKey(alg: 'RS256' | 'ES256' | 'EdDSA'): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = uniqueId(alg.toLowerCase());
  return {
    kid,
    alg,
    privateKey,
    jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    spki: await exportSPKI(publicKey),
  };
}

/** The host's identity provider as far as CareChat sees it: a JWKS on 127.0.0.1 that the test changes. */
class TestIdentityProvider {
  keys: TestKey[] = [];
  fetches = 0;
  failing = false;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.fetches++;
      if (this.failing || req.url !== '/.well-known/jwks.json') return void res.writeHead(503).end();
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: this.keys.map((k) => k.jwk) }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  stop = () => new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
}

const nowS = () => Math.floor(Date.now() / 1000);

async function sign(key: TestKey, over: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  const claims = {
    sub: uniqueId('idp'),
    role: 'PATIENT',
    name: 'Idp User',
    iss: ISSUER,
    aud: AUDIENCE,
    iat: nowS(),
    exp: nowS() + 600,
    ...over,
  };
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header }).sign(key.privateKey);
}

describe('host tokens signed by the identity provider (AUTH_JWKS_URL)', () => {
  const idp = new TestIdentityProvider();
  let t: TestApp;
  const sockets: TestSocket[] = [];
  let rsa: TestKey, ec: TestKey, ed: TestKey;
  const status = async (token: string) => {
    const res = await new HttpClient(t.url, token).get('/api/auth/me');
    return [res.status, res.body?.error?.code];
  };

  beforeAll(async () => {
    [rsa, ec, ed] = await Promise.all([newKey('RS256'), newKey('ES256'), newKey('EdDSA')]);
    idp.keys = [rsa, ec, ed];
    await idp.start();
    // Cooldown 0: a key id not in the cached set fetches the JWKS again at once (default 30 s).
    t = await startTestApp({
      AUTH_JWKS_URL: idp.url,
      AUTH_JWT_ISSUER: ISSUER,
      AUTH_JWT_AUDIENCE: AUDIENCE,
      AUTH_JWKS_COOLDOWN_SECONDS: '0',
    });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await t?.close();
    await idp.stop();
  });

  it('accept RS256, ES256 and EdDSA tokens on HTTP and sockets, fetching the keys once', async () => {
    for (const key of [rsa, ec, ed]) {
      const token = await sign(key);
      expect(await status(token)).toEqual([200, undefined]);
      const socket = await connectClient(t.url, { token });
      sockets.push(socket);
      expect(socket.socket.connected).toBe(true);
    }
    for (let i = 0; i < 5; i++) expect(await status(await sign(rsa))).toEqual([200, undefined]);
    expect(idp.fetches).toBe(1);
  });

  it('pick up a rotated key (a new kid) and drop a removed one', async () => {
    const next = await newKey('ES256');
    const before = idp.fetches;
    idp.keys = [next, ec, ed];
    expect(await status(await sign(next))).toEqual([200, undefined]);
    expect(idp.fetches).toBe(before + 1);
    // The old key is gone from the provider's set: its tokens stop working.
    expect(await status(await sign(rsa))).toEqual([401, 'UNAUTHENTICATED']);
    idp.keys = [rsa, ec, ed];
  });

  it('refuse a token signed by a key not in the JWKS, whatever kid it names', async () => {
    const rogue = await newKey('RS256');
    expect(await status(await sign(rogue))).toEqual([401, 'UNAUTHENTICATED']);
    // Claims the kid of a listed key, signed with another.
    expect(await status(await sign({ ...rogue, kid: rsa.kid }))).toEqual([401, 'UNAUTHENTICATED']);
    await expect(connectClient(t.url, { token: await sign(rogue) })).rejects.toThrow('UNAUTHENTICATED');
  });

  it('refuse alg none and an HS256 token "signed" with the provider’s public key', async () => {
    const c = { sub: uniqueId('x'), role: 'ADMIN', name: 'Mallory', iss: ISSUER, aud: AUDIENCE, exp: nowS() + 600 };
    const none =
      signJwt(c, 'ignored', { alg: 'none', typ: 'JWT', kid: rsa.kid }).split('.').slice(0, 2).join('.') + '.';
    expect(await status(none)).toEqual([401, 'UNAUTHENTICATED']);
    for (const publicKey of [rsa.spki, JSON.stringify(rsa.jwk), rsa.jwk.n!])
      expect(await status(signJwt(c, publicKey, { alg: 'HS256', typ: 'JWT', kid: rsa.kid }))).toEqual([
        401,
        'UNAUTHENTICATED',
      ]);
    // RS256 named in the header over an HMAC made with the public key.
    expect(await status(signJwt(c, rsa.spki, { alg: 'RS256', typ: 'JWT', kid: rsa.kid }))).toEqual([
      401,
      'UNAUTHENTICATED',
    ]);
    // The shared secret still signs HS256 tokens alongside the JWKS.
    expect(await status(signJwt(c, TEST_JWT_SECRET))).toEqual([200, undefined]);
  });

  it('hold the provider’s tokens to the same issuer, audience, lifetime and nbf rules', async () => {
    expect(await status(await sign(ec, { aud: 'billing' }))).toEqual([401, 'UNAUTHENTICATED']);
    expect(await status(await sign(ec, { iss: 'https://other.test' }))).toEqual([401, 'UNAUTHENTICATED']);
    expect(await status(await sign(ec, { exp: Date.UTC(3000, 0, 1) / 1000 }))).toEqual([401, 'UNAUTHENTICATED']);
    expect(await status(await sign(ec, { nbf: nowS() + 300 }))).toEqual([401, 'UNAUTHENTICATED']);
    expect(await status(await sign(ec, { exp: 1e300 }))).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('answer 503, not 500, while the provider’s keys cannot be fetched; known keys keep working', async () => {
    idp.failing = true;
    try {
      const unseen = await newKey('RS256');
      const res = await new HttpClient(t.url, await sign(unseen)).get('/api/auth/me');
      expect([res.status, res.body.error.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      await expect(connectClient(t.url, { token: await sign(unseen) })).rejects.toThrow('SERVICE_UNAVAILABLE');
      expect(await status(await sign(ed))).toEqual([200, undefined]);
    } finally {
      idp.failing = false;
    }
  });

  it('sign-out ends a provider token’s session like any other', async () => {
    const token = await sign(rsa);
    const api = new HttpClient(t.url, token);
    expect((await api.get('/api/auth/me')).status).toBe(200);
    expect((await api.post('/api/auth/logout')).status).toBe(204);
    expect(await status(token)).toEqual([401, 'UNAUTHENTICATED']);
  });
});

describe('AUTH_JWKS_URL configuration', () => {
  it('needs an issuer and an audience, and https in production', () => {
    const base = { AUTH_JWKS_URL: 'https://idp.test/jwks.json' };
    expect(() => loadConfig(base)).toThrow(/AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE/);
    expect(() => loadConfig({ ...base, AUTH_JWT_ISSUER: ISSUER })).toThrow(/AUTH_JWT_AUDIENCE/);
    expect(loadConfig({ ...base, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE }).jwksUrl).toBe(
      base.AUTH_JWKS_URL,
    );
    const prod = {
      NODE_ENV: 'production',
      MASTER_KEY: '0123456789abcdef'.repeat(4),
      DATABASE_URL: 'postgres://x',
      TRUST_PROXY: 'true',
    };
    expect(() =>
      loadConfig({
        ...prod,
        AUTH_JWKS_URL: 'http://idp.test/jwks.json',
        AUTH_JWT_ISSUER: ISSUER,
        AUTH_JWT_AUDIENCE: AUDIENCE,
      }),
    ).toThrow(/AUTH_JWKS_URL must be https/);
  });
});
