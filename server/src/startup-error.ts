import path from 'node:path';
import { ConfigError, type Config } from './config.js';

/** A start-up failure whose message is one sentence telling the person starting CareChat what to do. */
export class StartupError extends Error {}

type SystemError = Error & { code?: string; syscall?: string; path?: string; port?: number };

/**
 * The one sentence `npm start` ends with when the server cannot start. Failures it knows say
 * what to do; anything else is named, with where to look. Never a stack trace: that is for
 * LOG_LEVEL=debug.
 */
export function startupFailureSentence(err: unknown, config?: Config): string {
  if (err instanceof StartupError || err instanceof ConfigError) return err.message;
  const e = (err instanceof Error ? err : new Error(String(err))) as SystemError;
  if (e.syscall === 'listen' && e.code === 'EADDRINUSE')
    return `Port ${e.port ?? config?.port} is already in use: stop the program using it, or set PORT to a free port.`;
  if (e.syscall === 'listen' && e.code === 'EACCES')
    return `This user may not listen on port ${e.port ?? config?.port}: set PORT to 1024 or above.`;
  if (e.path && e.code && ['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'ENOSPC', 'EISDIR'].includes(e.code)) {
    const inDataDir = config && path.resolve(e.path).startsWith(config.dataDir);
    return inDataDir
      ? `DATA_DIR (${config.dataDir}) cannot be written (${e.code} on ${e.path}): ` +
          'set DATA_DIR to a folder this user can write to.'
      : `${e.path} cannot be written (${e.code}): make it writable by this user, or change the setting that names it.`;
  }
  return (
    `CareChat could not start (${oneLine(e.message)}): ` + 'start it again with LOG_LEVEL=debug to see where it failed.'
  );
}

export const oneLine = (text: string, max = 300) => text.replace(/\s+/g, ' ').trim().slice(0, max);

// The network's and PostgreSQL's ways of saying "not reachable", "wrong password", "no such database".
const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '28P01',
  '28000',
  '3D000',
  '57P03',
]);

/**
 * An error reaching DATABASE_URL's server, as a sentence; the URL's password never appears.
 * Other errors (a failing migration, say) pass through unchanged.
 */
export function databaseUnreachable(err: unknown, url: string): unknown {
  const code = (err as SystemError).code ?? '';
  const message = (err as Error).message ?? '';
  const connecting =
    CONNECTION_FAILURES.has(code) || /^08/.test(code) || /^connection .*(timeout|terminated)/i.test(message);
  if (!connecting) return err;
  const where = (() => {
    try {
      const u = new URL(url);
      return `${u.hostname}:${u.port || 5432}${u.pathname}`;
    } catch {
      return 'an address that is not a URL';
    }
  })();
  return new StartupError(
    `Cannot connect to the PostgreSQL at DATABASE_URL (${where}: ${oneLine(message, 200)}): ` +
      'start that server or correct DATABASE_URL, or unset it to use the embedded PostgreSQL.',
  );
}
