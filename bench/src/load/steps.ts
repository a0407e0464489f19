import { must } from '../must.js';
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
/** Fine enough for a ratio at both ends: CareChat's limit and the relay's, several times higher. */
export const BASELINE_RATES = [
  2000, 3000, 4000, 5000, 6000, 7000, 8000, 10_000, 12_000, 14_000, 16_000, 18_000, 20_000, 25_000, 30_000,
];

/** Progress on stderr, so a long run shows it is alive without touching the --json output. */
export function progress(label: string, s: StepResult): void {
  const cpu = s.servers.map((x) => `${x.cpuPercent}%`).join('+');
  process.stderr.write(
    `  ${label} ${s.targetRatePerSec}/s: achieved ${s.achievedRatePerSec}/s, ` +
      (s.recipients > 1 ? `${s.deliveriesPerSec} deliveries/s to ${s.recipients} recipients each, ` : '') +
      `delivery p50 ${s.deliveryMs.p50} p99 ${s.deliveryMs.p99} ms, ` +
      `acks lost ${s.acksLost}, not delivered ${s.notDelivered}, duplicates ${s.duplicates}, server CPU ${cpu}\n`,
  );
}

/**
 * One load stepping its rate up, a rate at a time, until delivery p99 passes 100 ms or
 * anything is lost: `runSteps` drives one alone, the baseline two turn about.
 */
export class Stepper {
  private warmUp: StepResult | null = null;
  private readonly steps: StepResult[] = [];
  stoppedBecause: string | null = null;

  constructor(
    private readonly loaded: Loaded,
    private readonly plan: { rates: number[]; stepSeconds: number; label: string },
  ) {}

  /** A short warm-up first (JIT, pool connections, plans), reported apart. */
  async warm(): Promise<void> {
    this.warmUp = await this.loaded.pool.step({
      ratePerSec: Math.min(200, this.plan.rates[0] ?? 200),
      durationMs: 2000,
      meters: this.loaded.meters,
    });
    progress(`${this.plan.label} warm-up`, this.warmUp);
  }

  /** Runs one step at `rate` unless stepping has stopped; says whether it ran. */
  async step(rate: number): Promise<boolean> {
    if (this.stoppedBecause) return false;
    const s = await this.loaded.pool.step({
      ratePerSec: rate,
      durationMs: this.plan.stepSeconds * 1000,
      meters: this.loaded.meters,
    });
    this.steps.push(s);
    progress(this.plan.label, s);
    if (!isClean(s)) this.stoppedBecause = `lost or duplicated messages at ${rate}/s`;
    else if (!(s.deliveryMs.p99 < 100)) this.stoppedBecause = `delivery p99 ${s.deliveryMs.p99} ms at ${rate}/s`;
    return true;
  }

  report(): StepsReport {
    const steps = this.steps;
    const maxUnder = (bound: number) =>
      steps
        .filter((s) => isClean(s) && s.deliveryMs.p99 < bound)
        .reduce<number | null>((m, s) => Math.max(m ?? 0, s.targetRatePerSec), null);
    return {
      warmUp: must(this.warmUp, 'the warm-up (warm() runs first)'),
      steps,
      stoppedBecause: this.stoppedBecause,
      maxRateP99Under100ms: maxUnder(100),
      maxRateP99Under25ms: maxUnder(25),
      limitedBySteps: this.stoppedBecause === null && steps.length > 0,
    };
  }
}

export async function runSteps(
  loaded: Loaded,
  plan: { rates: number[]; stepSeconds: number; label: string },
): Promise<StepsReport> {
  const stepper = new Stepper(loaded, plan);
  await stepper.warm();
  for (const rate of plan.rates) if (!(await stepper.step(rate))) break;
  return stepper.report();
}
