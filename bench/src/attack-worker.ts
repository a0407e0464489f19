import net from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { sidewaysPng } from '../../server/src/test/files.js';
import { must } from './must.js';

/**
 * One attack, in a process of its own (forked by attacks.ts) so its load lands on the server
 * and not on the bench's measuring event loop; it runs until killed. argv: kind, then JSON
 * `{url, token, conversationId}` (the attacker's own account and conversation).
 */
const [kind = '', json] = process.argv.slice(2);
const { url, token, conversationId } = JSON.parse(must(json, "the attack's JSON argument")) as {
  url: string;
  token: string;
  conversationId: string;
};
const { hostname, port } = new URL(url);
const MiB = 1024 * 1024;
let requests = 0;
let refusedConnections = 0;

/** `n` loops of `step` at once, for ever. */
function loops(n: number, step: () => Promise<unknown>): void {
  for (let i = 0; i < n; i++)
    void (async () => {
      for (;;) {
        await step().catch(() => undefined);
        requests++;
      }
    })();
}

const attacks: Record<string, () => Promise<void> | void> = {
  // A few MB of [[[[ to an authenticated route (anonymously and signed in), and to sign-in.
  'nested-json': () => {
    const body = '['.repeat(2 * MiB) + ']'.repeat(2 * MiB);
    const post = (path: string, headers: Record<string, string>) => () =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      }).then((r) => r.arrayBuffer());
    loops(2, post('/api/chat/conversations', {}));
    loops(2, post('/api/chat/conversations', { authorization: `Bearer ${token}` }));
    loops(2, post('/api/auth/login', {}));
  },

  // 1,000 connections from 127.0.0.2-5 trickling a header line a second, and as many
  // trickling a sign-in body a byte a second; each one cut or refused is opened again.
  trickle: () => {
    let n = 0;
    const open = (body: boolean) => {
      const localAddress = `127.0.0.${2 + (n++ % 4)}`;
      const socket = net.connect({ host: hostname, port: Number(port), localAddress });
      let timer: NodeJS.Timeout | undefined;
      socket.on('connect', () => {
        socket.write(
          body
            ? `POST /api/auth/login HTTP/1.1\r\nHost: ${hostname}\r\n` +
                'Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n'
            : `GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\n`,
        );
        let i = 0;
        timer = setInterval(() => socket.write(body ? ' ' : `X-Slow-${i++}: x\r\n`), 1000);
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        if (!socket.bytesRead) refusedConnections++;
        else requests++;
        setTimeout(() => open(body), 200);
      });
    };
    for (let i = 0; i < 1000; i++) {
      open(false);
      open(true);
    }
  },

  // 100 sockets of one person (the cap refuses all but a few), each sending events as fast as
  // the socket takes them: invalid sends and events no handler knows.
  'socket-flood': () => {
    const sockets: Socket[] = [];
    const connect = () => {
      const s = io(url, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
      s.on('connect_error', () => {
        refusedConnections++;
        setTimeout(connect, 200);
      });
      s.on('disconnect', () => setTimeout(connect, 200));
      s.on('connect', () => {
        sockets.push(s);
        const burst = () => {
          if (!s.connected) return;
          for (let i = 0; i < 50; i++) {
            s.emit(
              i % 2 ? 'chat:message' : 'no:such:event',
              { conversationId, clientMessageId: 'x', content: '' },
              () => undefined,
            );
            requests++;
          }
          setImmediate(burst);
        };
        burst();
      });
    };
    for (let i = 0; i < 100; i++) connect();
  },

  // The 16,000 x 16,000 PNG marked as turned, three uploads at a time (the per-person limit).
  'rotated-photo': async () => {
    const png = await sidewaysPng(16_000, 16_000);
    loops(3, () => upload(png));
  },

  // Not an attack: the largest sideways photo the limit lets through (100 million pixels),
  // one at a time, to measure what the decode that turns it upright costs.
  'largest-allowed-photo': async () => {
    const png = await sidewaysPng(10_000, 10_000);
    loops(1, () => upload(png));
  },
};

function upload(png: Buffer): Promise<unknown> {
  const form = new FormData();
  form.append('conversationId', conversationId);
  form.append('file', new Blob([new Uint8Array(png)]), 'photo.png');
  return fetch(`${url}/api/chat/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  }).then((r) => r.arrayBuffer());
}

const attack = attacks[kind];
if (!attack) throw new Error(`unknown attack ${kind}`);
void Promise.resolve(attack()).then(() => {
  process.send?.({ started: true });
  setInterval(() => process.send?.({ requests, refusedConnections }), 1000);
});
