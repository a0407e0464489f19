import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The compiled packages `npm start` runs: each file of `src` becomes the same path in `dist`. */
const BUILT = ['protocol', 'server'];

const mtime = (file: string) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const isTestOnly = (file: string) => file.endsWith('.test.ts') || file.startsWith(`test${path.sep}`);

/** Source files whose JavaScript in `dist` is missing or older than they are: `npm start` would run old code. */
export function staleBuildOutputs(): string[] {
  const stale: string[] = [];
  for (const pkg of BUILT) {
    const src = path.join(REPO_ROOT, pkg, 'src');
    for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || isTestOnly(file)) continue;
      const built = path.join(REPO_ROOT, pkg, 'dist', file.replace(/\.ts$/, '.js'));
      if (mtime(built) < mtime(path.join(src, file))) stale.push(path.join(pkg, 'src', file));
    }
  }
  return stale;
}

/** Tests through `npm start` and the command-line scripts test the build: refuse one older than the source. */
export function assertBuildCurrent(): void {
  const stale = staleBuildOutputs();
  if (stale.length > 0)
    throw new Error(`the build npm scripts run is older than ${stale.slice(0, 3).join(', ')}: run \`npm run build\``);
}
