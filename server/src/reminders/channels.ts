import nodemailer from 'nodemailer';
import type { Config } from '../config.js';
import type { Channel } from './reminders.store.js';

/** One reminder, PHI-free, to one address; `key` is the same for every attempt at it. */
export interface Reminder {
  to: string;
  subject: string;
  text: string;
  key: string;
}

/** A way to reach people. `send` resolves once the provider accepted it and throws when it did not. */
export interface ReminderChannel {
  send(reminder: Reminder, signal: AbortSignal): Promise<void>;
  close(): void;
}

/** Thrown for an answer that retrying cannot change (a refused address, a bad request). */
export class PermanentFailure extends Error {}

const SEND_TIMEOUT_MS = 15_000;

/** E-mail through SMTP_URL; the pool keeps a few connections open for a burst of reminders. */
export class EmailChannel implements ReminderChannel {
  private readonly transport;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport({
      url,
      pool: true,
      maxConnections: 5,
      connectionTimeout: SEND_TIMEOUT_MS,
      greetingTimeout: SEND_TIMEOUT_MS,
      socketTimeout: SEND_TIMEOUT_MS,
    });
  }

  async send(r: Reminder): Promise<void> {
    try {
      // The same Message-ID for every attempt: should a retry follow a send whose answer was
      // lost, a mail system can tell the copy.
      await this.transport.sendMail({
        from: this.from,
        to: r.to,
        subject: r.subject,
        text: r.text,
        messageId: `<${r.key}@carechat.reminder>`,
      });
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      // 5xx: the server refused for good (no such mailbox); 4xx and network failures are retried.
      if (code !== undefined && code >= 500) throw new PermanentFailure(`SMTP ${code}`);
      throw err;
    }
  }

  close(): void {
    this.transport.close();
  }
}

/**
 * SMS through a provider's HTTP API of the common shape: POST JSON `{to, body}` to SMS_URL,
 * with basic auth (SMS_USER and SMS_TOKEN) or a bearer token (SMS_TOKEN alone), and an
 * Idempotency-Key that stays the same across retries.
 */
export class HttpSmsChannel implements ReminderChannel {
  constructor(private readonly sms: { url: string; user?: string | undefined; token?: string | undefined }) {}

  async send(r: Reminder, signal: AbortSignal): Promise<void> {
    const { url, user, token } = this.sms;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': r.key };
    if (user) headers.authorization = `Basic ${Buffer.from(`${user}:${token ?? ''}`).toString('base64')}`;
    else if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ to: r.to, body: r.text }),
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(SEND_TIMEOUT_MS), signal]),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return;
    if (res.status === 429 || res.status >= 500) throw new Error(`SMS provider answered ${res.status}`);
    throw new PermanentFailure(`SMS provider answered ${res.status}`);
  }

  close(): void {}
}

/** The channels this server has configured. */
export function channelsOf(config: Config['reminders']): Map<Channel, ReminderChannel> {
  const channels = new Map<Channel, ReminderChannel>();
  if (config.smtpUrl) channels.set('email', new EmailChannel(config.smtpUrl, config.smtpFrom));
  if (config.sms) channels.set('sms', new HttpSmsChannel(config.sms));
  return channels;
}
