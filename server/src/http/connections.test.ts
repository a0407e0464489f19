import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { createPatient } from '../test/factories.js';
import { addressKey } from './connections.js';
import { useTestApp } from '../test/harness.js';
import { RawConnection, requestHead } from '../test/raw-http.js';
import { connectClient, sleep } from '../test/socket-client.js';

/** GET `path` over a connection of its own from `localAddress`. */
function getFrom(
  url: string,
  path: string,
  localAddress: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}${path}`, { localAddress, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
  });
}

describe('time-outs', () => {
  const t = useTestApp({
    HTTP_HEADERS_TIMEOUT_SECONDS: '1',
    HTTP_REQUEST_TIMEOUT_SECONDS: '2',
    HTTP_IDLE_TIMEOUT_SECONDS: '1',
  });

  it('cuts a client trickling its headers after the header time-out', async () => {
    const conn = await RawConnection.open(t.url);
    conn.write(`GET /healthz HTTP/1.1\r\nHost: ${new URL(t.url).host}\r\n`);
    // A header line every 200 ms would go on for ever; the server ends it.
    const lines = (function* () {
      for (let i = 0; ; i++) yield `X-Trickle-${i}: ${i}\r\n`;
    })();
    const ms = await conn.trickle(lines, 200, 15_000);
    expect(conn.isClosed).toBe(true);
    expect(conn.received).toMatch(/^HTTP\/1\.1 408/);
    expect(ms).toBeLessThan(15_000);
  });

  it('cuts a body trickled past the request time-out, sign-in included', async () => {
    const conn = await RawConnection.open(t.url);
    conn.write(requestHead('POST', '/api/auth/login', t.url, 4000));
    const bytes = (function* () {
      for (;;) yield ' ';
    })();
    await conn.trickle(bytes, 100, 15_000);
    expect(conn.isClosed).toBe(true);
    expect(conn.received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('keeps WebSocket and long-polling sockets open past every time-out', async () => {
    const patient = await createPatient(t);
    const ws = await connectClient(t.url, { token: patient.token, transports: ['websocket'] });
    const polling = await connectClient(t.url, { token: patient.token, transports: ['polling'] });
    try {
      // Three times the longest time-out with nothing said: both still answer.
      await sleep(3500);
      for (const s of [ws, polling]) {
        expect(s.socket.connected).toBe(true);
        const ack = await s.emitAck('chat:typing:start', { conversationId: '00000000-0000-4000-8000-000000000000' });
        expect(ack.ok).toBe(false); // no such conversation, but answered on the same socket
        expect(s.socket.connected).toBe(true);
      }
    } finally {
      ws.close();
      polling.close();
    }
  });
});

describe('anonymous connections per address', () => {
  const t = useTestApp({ ANONYMOUS_CONNECTIONS_PER_IP: '3' });

  it('refuses the extra connection from an address; other addresses and signed-in connections work', async () => {
    const patient = await createPatient(t);
    // A signed-in keep-alive connection from the address, made first.
    const signedIn = await RawConnection.open(t.url, '127.0.0.2');
    const me =
      `GET /api/auth/me HTTP/1.1\r\nHost: ${new URL(t.url).host}\r\n` +
      `Authorization: Bearer ${patient.token}\r\n\r\n`;
    signedIn.write(me);
    expect((await signedIn.response())?.status).toBe(200);

    const held = await Promise.all([1, 2, 3].map(() => RawConnection.open(t.url, '127.0.0.2')));
    const extra = await RawConnection.open(t.url, '127.0.0.2');
    await extra.closed;
    expect(extra.received).toBe('');
    expect(held.some((c) => c.isClosed)).toBe(false);

    // Another address is not affected, and the signed-in connection goes on working.
    expect(await getFrom(t.url, '/healthz', '127.0.0.3')).toBe(200);
    const before = signedIn.received.length;
    signedIn.write(me);
    await expect
      .poll(() => signedIn.received.length > before && /HTTP\/1\.1 200/.test(signedIn.received.slice(before)))
      .toBe(true);

    // A held connection that closes frees its place.
    held[0]!.close();
    await held[0]!.closed;
    await expect.poll(() => getFrom(t.url, '/healthz', '127.0.0.2').catch(() => 0)).toBe(200);
    held.forEach((c) => c.close());
    signedIn.close();
  });
});

describe('addressKey', () => {
  it('counts an IPv6 client by its /64, the block it can rotate through, and IPv4 by its address', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0DB8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::5')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(addressKey('127.0.0.2')).toBe('127.0.0.2');
  });
});

/** One request over `agent` (kept alive: every request from it shares one connection). */
function request(agent: http.Agent, url: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        agent,
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? {} : { 'content-type': 'text/plain;charset=UTF-8' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('Socket.IO sessions not signed in yet', () => {
  const t = useTestApp({ ANONYMOUS_CONNECTIONS_PER_IP: '3' });

  it('are capped per address even over one kept-alive connection; signing in or closing frees a place', async () => {
    const from = (localAddress: string) => new http.Agent({ keepAlive: true, maxSockets: 1, localAddress });
    const polling = `${t.url}/socket.io/?EIO=4&transport=polling`;
    const handshake = (agent: http.Agent) => request(agent, polling);
    const a = from('127.0.0.2');
    const other = from('127.0.0.3');
    try {
      const sids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const opened = await handshake(a);
        expect(opened.status).toBe(200);
        sids.push((JSON.parse(opened.body.slice(1)) as { sid: string }).sid);
      }
      const refused = await handshake(a);
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'FORBIDDEN' } });
      expect((await handshake(other)).status).toBe(200);

      // The first session signs in (Socket.IO's CONNECT with a token): its place is free.
      const patient = await createPatient(t);
      expect(
        (await request(a, `${polling}&sid=${sids[0]}`, `40${JSON.stringify({ token: patient.token })}`)).status,
      ).toBe(200);
      expect((await request(a, `${polling}&sid=${sids[0]}`)).body).toMatch(/^40\{"sid"/);
      expect((await handshake(a)).status).toBe(200);
      expect((await handshake(a)).status).toBe(403);

      // The second closes (Engine.IO's close packet): its place is free too.
      expect((await request(a, `${polling}&sid=${sids[1]}`, '1')).status).toBe(200);
      expect((await handshake(a)).status).toBe(200);
    } finally {
      a.destroy();
      other.destroy();
    }
  });
});
