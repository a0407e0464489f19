import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../db/embedded.js';
import { TEST_JWT_SECRET, TEST_MASTER_KEY, TEST_SERVICE_KEY } from './app.js';
import { assertBuildCurrent } from './build.js';
import { HttpClient } from './http-client.js';

const SERVER_DIR = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  service: HttpClient;
  output: () => string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

/**
 * The server as its own process, so tests can kill it (SIGKILL, SIGTERM) and start it again on
 * the same data: from source as `npm run dev` starts it, or with `viaNpm` the build `npm start` runs.
 */
export async function spawnServer(
  env: Record<string, string>,
  { readyTimeoutMs = 60_000, viaNpm = false }: { readyTimeoutMs?: number; viaNpm?: boolean } = {},
): Promise<ServerProcess> {
  const { port, child, output, exited } = await launch(env, viaNpm);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited during start:\n${output()}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready in ${readyTimeoutMs} ms:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { url, port, child, service: new HttpClient(url, TEST_SERVICE_KEY), output, exited };
}

/** A start meant to fail: the server's exit code and what it wrote to stderr and stdout, apart. */
export async function startUntilExit(env: Record<string, string>, { viaNpm = false } = {}) {
  const { child, stderr, output, exited } = await launch(env, viaNpm);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await exited;
  clearTimeout(timer);
  return { code, stderr: stderr(), output: output() };
}

async function launch(env: Record<string, string>, viaNpm: boolean) {
  if (viaNpm) assertBuildCurrent();
  const port = Number(env.PORT) || (await freePort());
  const [command, args, cwd] = viaNpm
    ? ['npm', ['start', '--silent'], path.resolve(SERVER_DIR, '..')]
    : // The protocol's source too (its "@carechat/source" export), not its last build.
      [process.execPath, ['--conditions=@carechat/source', '--import', 'tsx', 'src/main.ts'], SERVER_DIR];
  const merged: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    SERVICE_API_KEY: TEST_SERVICE_KEY,
    MASTER_KEY: TEST_MASTER_KEY,
    LOG_LEVEL: 'warn',
    DEMO_SEED: 'false',
    RETENTION_FIRST_RUN_SECONDS: '86400',
    // As in startTestApp: no sweeping other test files' conversations.
    PUSH_SWEEP_AFTER_SECONDS: '3600',
    ...env,
    PORT: String(port),
  };
  // An empty value means "leave this variable unset".
  const childEnv = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== ''));
  const child = spawn(command, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => {
    out += d;
    err += d;
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { port, child, exited, output: () => out, stderr: () => err };
}
