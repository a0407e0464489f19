import { isClean, type StepResult } from './pool.js';
import type { Loaded } from './session.js';

export interface StepsReport {
  warmUp: StepResult;
  steps: StepResult[];
  /** Why stepping stopped before the last rate, or null. */
  stoppedBecause: string | null;
  /** The highest rate with nothing lost and delivery p99 under the bound; null if none. */
  maxRateP99Under100ms: number | null;
  maxRateP99Under25ms: number | null;
  /** The last rate passed too: the real maximum is higher than the steps went. */
  limitedBySteps: boolean;
}

export const DEFAULT_RATES = [500, 1000, 2000, 3000, 5000];

/** Progress on stderr, so a long run shows it is alive without touching the --json output. */
export function progress(label: string, s: StepResult): void {
  process.stderr.write(
    `  ${label} ${s.targetRatePerSec}/s: achieved ${s.achievedRatePerSec}/s, delivery p50 ${s.deliveryMs.p50} p99 ${s.deliveryMs.p99} ms, ` +
      `acks lost ${s.acksLost}, not delivered ${s.notDelivered}, duplicates ${s.duplicates}, server CPU ${s.servers.map((x) => `${x.cpuPercent}%`).join('+')}\n`,
  );
}

/**
 * Steps the rate up until delivery p99 passes 100 ms or anything is lost. A short warm-up
 * first (JIT, pool connections, plans) is reported apart.
 */
export async function runSteps(loaded: Loaded, plan: { rates: number[]; stepSeconds: number; label: string }): Promise<StepsReport> {
  const { pool, meters } = loaded;
  const warmUp = await pool.step({ ratePerSec: Math.min(200, plan.rates[0] ?? 200), durationMs: 2000, meters });
  progress(`${plan.label} warm-up`, warmUp);
  const steps: StepResult[] = [];
  let stoppedBecause: string | null = null;
  for (const rate of plan.rates) {
    const s = await pool.step({ ratePerSec: rate, durationMs: plan.stepSeconds * 1000, meters });
    steps.push(s);
    progress(plan.label, s);
    if (!isClean(s)) stoppedBecause = `lost or duplicated messages at ${rate}/s`;
    else if (!(s.deliveryMs.p99 < 100)) stoppedBecause = `delivery p99 ${s.deliveryMs.p99} ms at ${rate}/s`;
    if (stoppedBecause) break;
  }
  const maxUnder = (bound: number) =>
    steps.filter((s) => isClean(s) && s.deliveryMs.p99 < bound).reduce<number | null>((m, s) => Math.max(m ?? 0, s.targetRatePerSec), null);
  return {
    warmUp,
    steps,
    stoppedBecause,
    maxRateP99Under100ms: maxUnder(100),
    maxRateP99Under25ms: maxUnder(25),
    limitedBySteps: stoppedBecause === null && steps.length > 0,
  };
}
