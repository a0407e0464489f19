import { startCarechatLoad, type LoadOptions } from './load/carechat.js';
import { runSteps } from './load/steps.js';

/**
 * Persisted, encrypted messages from random patients to their doctors (and, with `team`, to
 * each doctor's care team too), the rate stepped up until delivery p99 over every recipient
 * passes 100 ms or anything is lost.
 */
export async function throughputScenario(o: LoadOptions & { rates: number[]; stepSeconds: number }) {
  const { database, loaded, pairs } = await startCarechatLoad(o);
  const steps = await runSteps(loaded, { rates: o.rates, stepSeconds: o.stepSeconds, label: 'carechat' });
  await loaded.pool.stop();
  return {
    scenario: 'throughput',
    database,
    workers: o.workers,
    team: o.team ?? 0,
    pairs,
    connections: loaded.connect,
    stepSeconds: o.stepSeconds,
    ...steps,
  };
}
