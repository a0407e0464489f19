import { startCarechatLoad, type LoadOptions } from './load/carechat.js';
import { runSteps } from './load/steps.js';

/**
 * Persisted, encrypted messages from random patients to their doctors, the rate stepped up
 * until delivery p99 passes 100 ms or anything is lost.
 */
export async function throughputScenario(o: LoadOptions & { rates: number[]; stepSeconds: number }) {
  const { database, loaded } = await startCarechatLoad(o);
  const steps = await runSteps(loaded, { rates: o.rates, stepSeconds: o.stepSeconds, label: 'carechat' });
  await loaded.pool.stop();
  return {
    scenario: 'throughput',
    database,
    workers: o.workers,
    connections: loaded.connect,
    stepSeconds: o.stepSeconds,
    ...steps,
  };
}
