import { configDefaults, defineConfig } from 'vitest/config';

// The root's global setup runs once and provides to every project (one database, one clamd).
const shared = { testTimeout: 30_000, hookTimeout: 60_000, pool: 'forks' } as const;

export default defineConfig({
  test: {
    globalSetup: ['server/src/test/global-setup.ts'],
    reporters: ['default', './tools/summary-reporter.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'server',
          include: ['protocol/src/**/*.test.ts', 'server/src/**/*.test.ts', 'web/src/**/*.test.ts'],
          exclude: [...configDefaults.exclude, '**/*.e2e.test.ts'],
          // Two cores: two test files at a time, each with its own server on a shared database.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Files that load the machine on their own, the browser tests, the harness's smoke run
        // of hundreds of connections and the fresh clone's install and start (*.e2e.test.ts),
        // run after everything else and one at a time: a CI run that shared two cores between
        // them and the rest took the browser tests from 40 s to 220 s and timed one out.
        test: {
          ...shared,
          name: 'heavy',
          include: ['web/e2e/**/*.test.ts', 'bench/src/**/*.test.ts', 'server/src/**/*.e2e.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
