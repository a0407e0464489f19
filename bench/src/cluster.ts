import { startCarechatLoad } from './load/carechat.js';
import { runSteps } from './load/steps.js';
import { startRedis } from './redis.js';

/**
 * Throughput through several server processes on one database and one Redis: every
 * patient is connected to another process than their doctor, so every delivery crosses
 * Redis. The servers get REDIS_URL and nothing else: fan-out is theirs to do.
 */
export async function clusterScenario(o: {
  connections: number;
  workers: number;
  servers: number;
  rates: number[];
  stepSeconds: number;
}) {
  const redis = await startRedis();
  const { database, loaded } = await startCarechatLoad({ ...o, env: { REDIS_URL: redis.url } });
  const steps = await runSteps(loaded, { rates: o.rates, stepSeconds: o.stepSeconds, label: `cluster×${o.servers}` });
  await loaded.pool.stop();
  const first = steps.steps[0] ?? steps.warmUp;
  const hint =
    first.acked > 0 && first.notDelivered === first.acked
      ? 'nothing crossed between server processes: does the server honour REDIS_URL yet?'
      : null;
  return {
    scenario: 'cluster',
    database,
    redis: redis.source,
    servers: o.servers,
    workers: o.workers,
    connections: loaded.connect,
    stepSeconds: o.stepSeconds,
    ...steps,
    hint,
  };
}
