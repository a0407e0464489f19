import net from 'node:net';

export type ScanVerdict = { clean: true } | { clean: false; signature: string };

/** The scanner could not give a verdict (down, slow, over its limits): callers fail closed. */
export class ScanUnavailableError extends Error {}

const CHUNK = 64 * 1024;
/** Where Debian's clamav-daemon listens, then clamd's usual TCP port. */
export const DEFAULT_CLAMD_URLS = ['unix:///var/run/clamav/clamd.ctl', 'tcp://127.0.0.1:3310'];

type Endpoint = { path: string } | { host: string; port: number };

export function parseClamdUrl(url: string): Endpoint {
  const u = new URL(url);
  if (u.protocol === 'unix:') return { path: decodeURIComponent(u.pathname) };
  if (u.protocol === 'tcp:') return { host: u.hostname || '127.0.0.1', port: Number(u.port) || 3310 };
  throw new Error(`CLAMD_URL must be tcp://host:port or unix:///path, not ${url}`);
}

/**
 * A client for clamd's INSTREAM command. Only "stream: OK" is clean; "FOUND" names the
 * malware; anything else (size limits, errors, a refused or broken connection, a time-out)
 * throws ScanUnavailableError so the upload is refused.
 */
export class ClamdScanner {
  private readonly endpoints: Endpoint[];

  constructor(
    urls: string[],
    private readonly timeoutMs = 30_000,
  ) {
    this.endpoints = urls.map(parseClamdUrl);
  }

  async scan(data: Buffer): Promise<ScanVerdict> {
    let lastError: unknown;
    for (const endpoint of this.endpoints) {
      try {
        return await this.scanAt(endpoint, data);
      } catch (err) {
        lastError = err;
        // Only "could not connect" moves on to the next address; a reply that is not a clean
        // verdict from a reachable scanner is final.
        if (!(err instanceof ConnectError)) break;
      }
    }
    throw new ScanUnavailableError(
      `virus scanner unavailable: ${(lastError as Error)?.message ?? 'no scanner configured'}`,
    );
  }

  private scanAt(endpoint: Endpoint, data: Buffer): Promise<ScanVerdict> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(endpoint as net.NetConnectOpts);
      let connected = false;
      let reply = '';
      const fail = (err: Error) => {
        socket.destroy();
        reject(connected ? err : new ConnectError(err.message));
      };
      socket.setTimeout(this.timeoutMs, () => fail(new Error('clamd timed out')));
      socket.on('error', fail);
      socket.on('connect', () => {
        connected = true;
        socket.write('zINSTREAM\0');
        for (let offset = 0; offset < data.length; offset += CHUNK) {
          const chunk = data.subarray(offset, offset + CHUNK);
          const size = Buffer.alloc(4);
          size.writeUInt32BE(chunk.length);
          socket.write(size);
          socket.write(chunk);
        }
        socket.write(Buffer.alloc(4));
      });
      socket.on('data', (d) => {
        reply += d.toString('utf8');
        if (!reply.includes('\0')) return;
        socket.end();
        const answer = reply.slice(0, reply.indexOf('\0')).trim();
        if (answer === 'stream: OK') return resolve({ clean: true });
        const signature = /^stream: (.+) FOUND$/.exec(answer)?.[1];
        if (signature) return resolve({ clean: false, signature });
        reject(new Error(`clamd answered "${answer.slice(0, 200)}"`));
      });
      socket.on('end', () => {
        if (!reply.includes('\0')) fail(new Error('clamd closed the connection without a verdict'));
      });
    });
  }
}

class ConnectError extends Error {}
