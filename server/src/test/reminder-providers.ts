import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One e-mail as it reached the test's SMTP server. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** The whole message as sent (headers and body), soft line breaks joined. */
  raw: string;
}

/**
 * A real SMTP server (the `smtp-server` package) on a free port, keeping what it is sent.
 * `hold`: connections are accepted and never greeted, so a sender waits mid-send (a crash
 * test kills the server then); `release` greets those still open.
 */
export async function startSmtpSink() {
  const mails: ReceivedMail[] = [];
  let holding = false;
  const held: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // close() waits this long for senders still connected (30 s by default, half the hook's time).
    closeTimeout: 1000,
    onConnect(_session, callback) {
      if (holding) held.push(() => callback());
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks)
            .toString('utf8')
            .replace(/=\r?\n/g, ''),
        });
        callback();
      });
    },
  });
  // A sender killed mid-conversation (as the crash test does) is a socket error here, not the test's failure:
  // without a listener, smtp-server's 'error' event would be thrown as an uncaught exception.
  const socketErrors: Error[] = [];
  server.on('error', (err) => socketErrors.push(err));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    socketErrors,
    to: (address: string) => mails.filter((m) => m.to.includes(address)),
    hold() {
      holding = true;
    },
    /** Connections opened while holding, never greeted. */
    get held() {
      return held.length;
    },
    release() {
      holding = false;
      held.splice(0).forEach((greet) => greet());
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One request the SMS provider got, and the status it answered. */
export interface ReceivedSms {
  to: string;
  body: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  status: number;
}

/**
 * An SMS provider's HTTP API of the common shape: POST JSON {to, body}. Answers 200 unless
 * `failNext` queued other statuses.
 */
export async function startSmsProvider() {
  const requests: ReceivedSms[] = [];
  const failures: number[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { to: string; body: string };
      const status = failures.shift() ?? 200;
      requests.push({
        to: parsed.to,
        body: parsed.body,
        authorization: req.headers.authorization,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        status,
      });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ id: requests.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/messages`,
    requests,
    to: (phone: string) => requests.filter((r) => r.to === phone),
    failNext(...statuses: number[]) {
      failures.push(...statuses);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
