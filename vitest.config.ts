import { defaultServerConditions } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';

// The root's global setup runs once and provides to every project (one database, one clamd).
const shared = { testTimeout: 30_000, hookTimeout: 60_000, pool: 'forks' } as const;

// Tests run the protocol's TypeScript source (its "@carechat/source" export), never its last build.
// Otherwise Vitest's own default: without 'module', which names bundler-only ESM (@aws-sdk's dist-es).
// Projects do not inherit the root's resolution, so each (and the global setup) is given it.
const fromSource = {
  ssr: { resolve: { conditions: ['@carechat/source', ...defaultServerConditions.filter((c) => c !== 'module')] } },
};

export default defineConfig({
  ...fromSource,
  test: {
    globalSetup: ['server/src/test/global-setup.ts'],
    reporters: ['default', './tools/summary-reporter.ts'],
    projects: [
      {
        ...fromSource,
        test: {
          ...shared,
          name: 'server',
          include: [
            'protocol/src/**/*.test.ts',
            'client/src/**/*.test.ts',
            'react/src/**/*.test.ts',
            'server/src/**/*.test.ts',
            'web/src/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude, '**/*.e2e.test.ts'],
          // Two cores: two test files at a time, each with its own server on a shared database.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        ...fromSource,
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
