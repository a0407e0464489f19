/** `--name value` or `--name=value` on the command line, else BENCH_<NAME> in the environment. */
export class Options {
  constructor(private readonly argv: string[]) {}

  get json(): boolean {
    return this.argv.includes('--json');
  }

  private raw(name: string): string | undefined {
    const i = this.argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    const arg = this.argv[i]; // undefined when not given (i = -1)
    if (arg !== undefined) return arg.includes('=') ? arg.split('=')[1] : this.argv[i + 1];
    return process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  }

  number(name: string, fallback: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not "${v}"`);
    return n;
  }

  /** A count that may be 0 (`--team 0`). */
  count(name: string, fallback: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, 0 or more, not "${v}"`);
    return n;
  }

  numbers(name: string, fallback: number[]): number[] {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const list = v.split(',').map(Number);
    if (list.some((n) => !Number.isFinite(n) || n <= 0))
      throw new Error(`--${name} must be positive numbers separated by commas, not "${v}"`);
    return list;
  }

  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!(choices as readonly string[]).includes(v))
      throw new Error(`--${name} must be one of ${choices.join(', ')}, not "${v}"`);
    return v as T;
  }
}
