import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { observeQueries, type Db } from '../db/pool.js';
import type { RedisLink } from '../redis/redis-link.js';
import type { Io } from '../realtime/notifier.js';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * The process's Prometheus metrics, in a registry of its own (tests run several apps in one
 * process). Labels are event names, routes as registered (`/api/chat/messages/:id`) and
 * outcomes: never an id, a name or any content.
 */
export class Metrics {
  readonly registry = new Registry();

  /** Socket events from receipt to ack: for chat:message that is the persisted, encrypted send. */
  readonly socketEvents = new Histogram({
    name: 'carechat_socket_event_seconds',
    help: 'Socket events from receipt to ack, by event and outcome',
    labelNames: ['event', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** Refused over a socket's event budget: counted, not timed, and not by event (the client names those). */
  readonly socketEventsRefused = new Counter({
    name: 'carechat_socket_events_refused_total',
    help: 'Socket events refused (RATE_LIMITED) because their socket was over its event budget',
    registers: [this.registry],
  });

  readonly emitted = new Counter({
    name: 'carechat_events_emitted_total',
    help: 'Events sent to users, by event and how they were fanned out (cluster through Redis, local alone, degraded)',
    labelNames: ['event', 'fanout'] as const,
    registers: [this.registry],
  });

  readonly http = new Histogram({
    name: 'carechat_http_request_seconds',
    help: 'HTTP requests by method, route and status class',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly queries = new Histogram({
    name: 'carechat_db_query_seconds',
    help:
      'Queries run on a pool (outside transactions), from call to result, ' +
      'by pool (main, or send for the grouped send statements)',
    labelNames: ['pool'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** `pools`: the main pool (its clients are counted) and the send pool; both have their queries timed. */
  constructor(io: Io, pools: { main: Db; send: Db }, redis: RedisLink | null) {
    const db = pools.main;
    collectDefaultMetrics({ register: this.registry, prefix: 'carechat_process_' });
    const registers = [this.registry];
    new Gauge({
      name: 'carechat_sockets_connected',
      help: 'Sockets connected to this process',
      registers,
      collect() {
        this.set(io.of('/').sockets.size);
      },
    });
    new Gauge({
      name: 'carechat_db_pool_clients',
      help: 'Database pool clients by state',
      labelNames: ['state'] as const,
      registers,
      collect() {
        this.set({ state: 'total' }, db.totalCount);
        this.set({ state: 'idle' }, db.idleCount);
        this.set({ state: 'waiting' }, db.waitingCount);
      },
    });
    // Only when node runs with --expose-gc (a soak benchmark): a full collection first, so a
    // leak shows apart from garbage not yet collected. Production never exposes gc.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (typeof gc === 'function')
      new Gauge({
        name: 'carechat_heap_used_after_gc_bytes',
        help: 'V8 heap in use right after a full garbage collection (only with node --expose-gc)',
        registers,
        collect() {
          gc();
          this.set(process.memoryUsage().heapUsed);
        },
      });
    if (redis)
      new Gauge({
        name: 'carechat_fanout_healthy',
        help: '1 while fan-out through Redis works, 0 while degraded to this process',
        registers,
        collect() {
          this.set(redis.isHealthy ? 1 : 0);
        },
      });
    for (const [pool, timed] of Object.entries(pools))
      observeQueries(timed, (ms) => this.queries.observe({ pool }, ms / 1000));
  }
}
