/**
 * `value` when the harness has it, else an error naming what is missing: for what the bench
 * set up itself (a forked child's pid, the first server, a worker's list), where a missing
 * value is the harness's own bug and a clear message beats a TypeError further on.
 */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`bench: ${what} is missing`);
  return value;
}
