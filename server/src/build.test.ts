import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, staleBuildOutputs } from './test/build.js';

const packageJson = (dir: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, dir, 'package.json'), 'utf8'));
const root = packageJson('.');

/** Runs ESM with plain node, as production does: no tsx, no "@carechat/source" condition. */
const plainNode = (cwd: string, code: string) =>
  spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd, encoding: 'utf8', timeout: 60_000 });

describe('production runs the compiled server', () => {
  it('npm start and the command-line tools run node on the build, with no TypeScript loader', () => {
    expect(root.scripts.start).toBe('exec node --max-semi-space-size=32 server/dist/main.js');
    expect(root.scripts['audit:verify']).toBe('node server/dist/cli/audit-verify.js');
    expect(root.scripts['keys:rotate']).toBe('node server/dist/cli/keys-rotate.js');
    expect(packageJson('server').scripts.start).toBe('exec node --max-semi-space-size=32 dist/main.js');
    // Installing builds it (npm ci runs postinstall too); tsx is for development and tests only.
    expect(root.scripts.postinstall).toBe('npm run build');
    for (const pkg of ['protocol', 'client', 'server'])
      expect(root.scripts.build).toContain(`tsc -p ${pkg}/tsconfig.build.json`);
    expect(Object.keys(packageJson('server').dependencies)).not.toContain('tsx');
  });

  it('the build is installed and as new as the source', () => {
    const built = ['main.js', 'cli/audit-verify.js', 'cli/keys-rotate.js'].map((f) => `server/dist/${f}`);
    for (const file of [...built, 'protocol/dist/index.js', 'protocol/dist/index.d.ts'])
      expect(existsSync(path.join(REPO_ROOT, file)), file).toBe(true);
    expect(staleBuildOutputs()).toEqual([]);
  });

  it('plain node resolves the protocol to its build and loads every module of the app from dist', () => {
    const serverDist = path.join(REPO_ROOT, 'server/dist');
    const resolved = plainNode(serverDist, "console.log(import.meta.resolve('@carechat/protocol'))");
    expect(resolved.stdout.trim()).toBe(pathToFileURL(path.join(REPO_ROOT, 'protocol/dist/index.js')).href);
    // app.js imports every feature's routes, sockets, services and stores: a file the build left out,
    // or an import only tsx resolves, fails here.
    const loaded = plainNode(serverDist, "console.log(typeof (await import('./app.js')).createApp)");
    expect(loaded.stderr).toBe('');
    expect(loaded.stdout.trim()).toBe('function');
  });
});
