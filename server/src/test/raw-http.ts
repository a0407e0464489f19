import net from 'node:net';

/**
 * A bare TCP connection to a test server, for what an HTTP client will not do: send half a
 * request and hold the rest, trickle headers, come from another loopback address.
 */
export class RawConnection {
  private data = '';
  private closedFlag = false;
  readonly closed: Promise<void>;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.data += d;
      this.waiters.splice(0).forEach((w) => w());
    });
    // A write racing the server's close fails with EPIPE/ECONNRESET: that is the close.
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.closedFlag = true;
        this.waiters.splice(0).forEach((w) => w());
        resolve();
      }),
    );
  }

  static open(url: string, localAddress = '127.0.0.1'): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: hostname, port: Number(port), localAddress }, () =>
        resolve(new RawConnection(socket)),
      );
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  /** Everything received so far. */
  get received(): string {
    return this.data;
  }

  write(chunk: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(chunk);
  }

  /** Resolves once a whole response (headers and a Content-Length body) has arrived, or the connection closed. */
  async response(timeoutMs = 10_000): Promise<{ status: number; headers: Record<string, string>; body: any } | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseResponse(this.data);
      if (parsed) return parsed;
      if (this.closedFlag) return null;
      if (Date.now() > deadline)
        throw new Error(`no response within ${timeoutMs} ms; got ${JSON.stringify(this.data.slice(0, 200))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Writes `chunks` one every `everyMs` until the server closes the connection or `maxMs` passes. */
  async trickle(chunks: Iterable<string>, everyMs: number, maxMs: number): Promise<number> {
    const start = Date.now();
    for (const chunk of chunks) {
      if (this.closedFlag || Date.now() - start > maxMs) break;
      this.write(chunk);
      await Promise.race([this.closed, new Promise((r) => setTimeout(r, everyMs))]);
    }
    return Date.now() - start;
  }

  close(): void {
    this.socket.destroy();
  }
}

function parseResponse(data: string): { status: number; headers: Record<string, string>; body: any } | null {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...lines] = data.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const raw = data.slice(end + 4);
  if (Buffer.byteLength(raw, 'latin1') < length) return null;
  const text = Buffer.from(raw.slice(0, length), 'latin1').toString('utf8');
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body };
}

/** The head of a request with a JSON body of `length` bytes. */
export function requestHead(
  method: string,
  path: string,
  url: string,
  length: number,
  headers: Record<string, string> = {},
): string {
  const host = new URL(url).host;
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return (
    `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${length}\r\n${extra}\r\n`
  );
}
