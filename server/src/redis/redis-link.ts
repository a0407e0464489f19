import { EventEmitter } from 'node:events';
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from '../logger.js';

export type RedisClient = RedisClientType;

/**
 * The process's connection to Redis, and whether fan-out through it works right now.
 *
 * Redis is never on the path that makes a message durable: while it is down, sends commit
 * and ack, events reach this process's own sockets, and what could not reach the others is
 * caught up when it returns ('up'). The client reconnects forever with a capped backoff, so
 * Redis coming back needs no restart.
 */
export class RedisLink extends EventEmitter<{ up: []; down: [] }> {
  readonly client: RedisClient;
  private healthy = false;
  /** When fan-out last stopped working; null while healthy. */
  downSince: number | null = Date.now();

  constructor(
    url: string,
    /** Every key and stream of this deployment starts with it, so several can share a Redis. */
    readonly prefix: string,
    private readonly log: Logger,
  ) {
    super();
    this.client = createClient({
      url,
      socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** Math.min(retries, 5), 2000) },
      // A Redis that stops answering without closing the connection is noticed within seconds.
      pingInterval: 2000,
    }) as RedisClient;
    this.client.on('error', (err: Error) => {
      // Reported once per outage (below); every failed reconnect would flood the log.
      if (this.healthy) this.log.warn({ err: { message: err.message } }, 'redis error');
    });
    this.client.on('ready', () => this.setHealthy(true));
    this.client.on('end', () => this.setHealthy(false));
    this.client.on('reconnecting', () => this.setHealthy(false));
  }

  get isHealthy(): boolean {
    return this.healthy;
  }

  key(name: string): string {
    return `${this.prefix}${name}`;
  }

  /** Connects in the background: a server whose Redis is down at start serves, degraded. */
  start(): void {
    this.client
      .connect()
      .catch((err: unknown) => this.log.warn({ err: { message: (err as Error).message } }, 'redis connect failed'));
  }

  /** Resolves once connected, or after `timeoutMs` (degraded) – start-up waits at most that. */
  async ready(timeoutMs: number): Promise<boolean> {
    if (this.healthy) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.off('up', onUp);
        resolve(false);
      }, timeoutMs);
      const onUp = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.once('up', onUp);
    });
  }

  async close(): Promise<void> {
    this.healthy = false;
    if (this.client.isOpen) await this.client.quit().catch(() => this.client.destroy());
  }

  private setHealthy(healthy: boolean): void {
    if (healthy === this.healthy) return;
    this.healthy = healthy;
    if (healthy) {
      const downMs = this.downSince === null ? 0 : Date.now() - this.downSince;
      this.downSince = null;
      this.log.info({ downMs }, 'redis fan-out healthy');
      this.emit('up');
    } else {
      this.downSince = Date.now();
      this.log.warn('redis unreachable: fan-out degraded to this process; sends still commit and ack');
      this.emit('down');
    }
  }
}
