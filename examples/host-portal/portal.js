// @ts-check
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { SignJWT } from 'jose';

/**
 * A tiny "telehealth portal": a host platform with its own people and its own sign-in, which
 * embeds CareChat's /embed widget and signs its users into it with HS256 JWTs of its own
 * (CareChat's AUTH_JWT_SECRET). Plain Node http, one static page, no framework.
 *
 * @typedef {{ id: string, name: string, role: 'PATIENT' | 'DOCTOR', email?: string }} Person
 * @typedef {{
 *   carechatUrl: string,
 *   jwtSecret: string,
 *   people: Person[],
 *   port?: number,
 *   host?: string,
 *   tokenLifetimeSeconds?: number,
 * }} PortalOptions
 */

const PUBLIC = new URL('./public/', import.meta.url);
/** The kit page's bundle, built from src/kit-page.tsx by `npm run build` (build.js). */
const DIST = new URL('./dist/', import.meta.url);
/** @type {Record<string, { file: URL, type: string }>} */
const FILES = {
  '/': { file: new URL('index.html', PUBLIC), type: 'text/html; charset=utf-8' },
  '/portal-page.js': { file: new URL('portal-page.js', PUBLIC), type: 'text/javascript; charset=utf-8' },
  '/portal.css': { file: new URL('portal.css', PUBLIC), type: 'text/css; charset=utf-8' },
  '/kit': { file: new URL('kit.html', PUBLIC), type: 'text/html; charset=utf-8' },
  '/kit-page.js': { file: new URL('kit-page.js', DIST), type: 'text/javascript; charset=utf-8' },
  '/kit-page.css': { file: new URL('kit-page.css', DIST), type: 'text/css; charset=utf-8' },
};
const COOKIE = 'portal_session';

/**
 * Starts the portal; resolves with its URL once it listens.
 * @param {PortalOptions} options
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startHostPortal(options) {
  const { carechatUrl, jwtSecret, people, port = 0, host = 'localhost', tokenLifetimeSeconds = 600 } = options;
  const carechatOrigin = new URL(carechatUrl).origin;
  const carechatSocket = carechatOrigin.replace(/^http/, 'ws');
  const secret = new TextEncoder().encode(jwtSecret);
  // The portal's own session: a signed person id in a first-party cookie. A real portal has
  // its own sign-in; what matters here is that CareChat's token is minted from it, server-side.
  const cookieKey = randomBytes(32);
  const sign = (/** @type {string} */ id) => `${id}.${createHmac('sha256', cookieKey).update(id).digest('base64url')}`;
  /** @param {string | undefined} header */
  const signedIn = (header) => {
    const value = /(?:^|;\s*)portal_session=([^;]+)/.exec(header ?? '')?.[1];
    if (!value) return null;
    const id = decodeURIComponent(value.slice(0, value.lastIndexOf('.')));
    const expected = Buffer.from(sign(id));
    const given = Buffer.from(decodeURIComponent(value));
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return people.find((p) => p.id === id) ?? null;
  };

  /** @param {Person} person */
  const carechatToken = (person) =>
    new SignJWT({ role: person.role, name: person.name, ...(person.email ? { email: person.email } : {}) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(person.id)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + tokenLifetimeSeconds)
      .sign(secret);

  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // The portal's pages run only their own script and may frame CareChat; the kit page's client
    // calls CareChat (REST and its socket) and shows attachments through object URLs (blob:).
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'self'; frame-src ${carechatOrigin}; connect-src 'self' ${carechatOrigin} ${carechatSocket}; ` +
        `img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
    );
    res.setHeader('Referrer-Policy', 'no-referrer');
    const me = signedIn(req.headers.cookie);
    try {
      const asset = req.method === 'GET' ? FILES[path] : undefined;
      if (asset) {
        res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' });
        return res.end(await readFile(asset.file));
      }
      if (req.method === 'GET' && path === '/config.json') {
        const everyone = people.map(({ id, name, role }) => ({ id, name, role }));
        return json(res, 200, { carechatUrl: carechatOrigin, people: everyone, me });
      }
      if (req.method === 'POST' && path === '/sign-in') {
        const { id } = JSON.parse(await body(req));
        const person = people.find((p) => p.id === id);
        if (!person) return json(res, 404, { error: 'no such person' });
        res.setHeader('set-cookie', `${COOKIE}=${encodeURIComponent(sign(person.id))}; HttpOnly; SameSite=Lax; Path=/`);
        return json(res, 200, { me: person });
      }
      if (req.method === 'POST' && path === '/sign-out') {
        res.setHeader('set-cookie', `${COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0`);
        return json(res, 200, { me: null });
      }
      // The widget asks (through this page) for a token: minted here, for whoever is signed in.
      if (req.method === 'POST' && path === '/carechat-token') {
        if (!me) return json(res, 401, { error: 'not signed in' });
        return json(res, 200, { token: await carechatToken(me) });
      }
      return json(res, 404, { error: 'not found' });
    } catch {
      return json(res, 400, { error: 'bad request' });
    }
  });
  await new Promise((resolve) => server.listen(port, host, () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://${host}:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} value
 */
function json(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value));
}

/** @param {import('node:http').IncomingMessage} req */
async function body(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) throw new Error('body too large');
  }
  return text;
}
