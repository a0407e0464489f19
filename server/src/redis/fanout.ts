import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Io } from '../realtime/notifier.js';
import { RedisLink } from './redis-link.js';

/** How long start-up waits for Redis before serving degraded (fan-out resumes when it comes). */
const START_WAIT_MS = 3000;

/**
 * With REDIS_URL, several processes act as one service: Socket.IO's Redis Streams adapter
 * carries every broadcast and socket kick between them. Streams rather than Pub/Sub because
 * a reader resumes from its last entry after a reconnect, so a Redis blip loses no event
 * published through it. Must run before any socket connects (the adapter holds the rooms).
 */
export async function connectFanout(io: Io, config: Config, log: Logger): Promise<RedisLink | null> {
  if (!config.redisUrl) return null;
  const link = new RedisLink(config.redisUrl, config.redisPrefix, log);
  link.start();
  io.adapter(
    createAdapter(link.client, {
      streamName: link.key('socket.io'),
      channelPrefix: link.key('socket.io'),
      sessionKeyPrefix: link.key('sio:session:'),
      // Entries are read within milliseconds; this only bounds the stream's memory.
      maxLen: 100_000,
    }),
  );
  if (!(await link.ready(START_WAIT_MS)))
    log.warn({ waitedMs: START_WAIT_MS }, 'redis not reachable at start: serving with fan-out degraded');
  return link;
}
