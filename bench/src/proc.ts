import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // Linux's USER_HZ nearly everywhere
    }
  }
  return ticksPerSecond;
}

/** Resident memory (KB) and CPU time used so far (ms) of one process, from /proc. */
function readOne(pid: number): { rssKb: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
  // The command name in field 2 may hold spaces: count fields after its closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15)
  return { rssKb, cpuMs: (ticks / clockTicks()) * 1000 };
}

function descendants(pid: number): number[] {
  let children: number[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // gone, or a kernel without the children file
  }
  return children.flatMap((c) => [c, ...descendants(c)]);
}

/**
 * A server and the processes it started (WORKERS=N), summed. A process that exits between
 * listing and reading is skipped.
 */
export function readProcess(pid: number): { rssKb: number; cpuMs: number } {
  const total = readOne(pid);
  for (const child of descendants(pid)) {
    try {
      const c = readOne(child);
      total.rssKb += c.rssKb;
      total.cpuMs += c.cpuMs;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** CPU use of a process (and its children) between two calls, as a percentage of one core. */
export class ProcessMeter {
  private last: { at: number; cpuMs: number };

  constructor(readonly pid: number) {
    this.last = { at: performance.now(), cpuMs: readProcess(pid).cpuMs };
  }

  sample(): { rssMb: number; cpuPercent: number } {
    const now = readProcess(this.pid);
    const at = performance.now();
    const cpuPercent = Math.round(((now.cpuMs - this.last.cpuMs) / (at - this.last.at)) * 1000) / 10;
    this.last = { at, cpuMs: now.cpuMs };
    return { rssMb: Math.round(now.rssKb / 102.4) / 10, cpuPercent };
  }
}

/** Busy and total CPU ticks of the whole machine so far, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  // The first line, "cpu  user nice system idle iowait ...": the whole machine.
  const [cpuLine = ''] = readFileSync('/proc/stat', 'utf8').split('\n', 1);
  const cpu = cpuLine.trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/**
 * Waits until the machine's CPU is mostly idle over half a second (at most `maxMs`), so what
 * one step left running (PostgreSQL writing back, autovacuum, GC) is not charged to the next.
 */
export async function machineQuiet(maxBusyPercent = 25, maxMs = 15_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    const a = machineTicks();
    await new Promise((r) => setTimeout(r, 500));
    const b = machineTicks();
    if (b.total > a.total && ((b.busy - a.busy) / (b.total - a.total)) * 100 <= maxBusyPercent) return;
  }
}
