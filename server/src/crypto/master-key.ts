import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

export interface MasterKeys {
  currentVersion: number;
  keys: Map<number, Buffer>;
}

export const masterKeyFile = (config: Config) => path.join(config.dataDir, 'master.key');

/**
 * The master keys: MASTER_KEY (version MASTER_KEY_VERSION) plus MASTER_KEYS_PREVIOUS when
 * given; otherwise (never in production) DATA_DIR/master.key, owner-only, one `version:hex`
 * line per key with the current first, created with a fresh key on first start.
 */
export async function loadMasterKeys(config: Config, log: Logger): Promise<MasterKeys> {
  if (config.masterKeyHex) {
    const keys = new Map(
      [...config.previousMasterKeys].map(([v, hex]) => [v, Buffer.from(hex, 'hex')] as [number, Buffer]),
    );
    keys.set(config.masterKeyVersion, Buffer.from(config.masterKeyHex, 'hex'));
    return { currentVersion: config.masterKeyVersion, keys };
  }
  const file = masterKeyFile(config);
  if (existsSync(file)) return parseKeyFile(await readFile(file, 'utf8'), file);
  await mkdir(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  await writeFile(file, `1:${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  log.warn({ file }, 'generated a new master key; back it up: without it the messages cannot be read');
  return { currentVersion: 1, keys: new Map([[1, key]]) };
}

function parseKeyFile(text: string, file: string): MasterKeys {
  const keys = new Map<number, Buffer>();
  let currentVersion = 0;
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    // A bare key is the original single-key format: version 1.
    const [, versionText, hex] = /^(?:(\d+):)?([0-9a-f]{64})$/i.exec(line) ?? [];
    if (!hex) throw new Error(`${file} holds a line that is not version:hex`);
    const version = versionText ? Number(versionText) : 1;
    keys.set(version, Buffer.from(hex, 'hex'));
    currentVersion ||= version;
  }
  if (!currentVersion) throw new Error(`${file} holds no key`);
  return { currentVersion, keys };
}

/** Rewrites DATA_DIR/master.key with `current` first (atomically: temp file, then rename). */
export async function writeKeyFile(config: Config, keys: MasterKeys): Promise<void> {
  const file = masterKeyFile(config);
  const { currentVersion } = keys;
  const current = keys.keys.get(currentVersion);
  if (!current) throw new Error(`writeKeyFile: no key for the current version ${currentVersion}`);
  const order = [[currentVersion, current] as const, ...[...keys.keys].filter(([v]) => v !== currentVersion)];
  const text = order.map(([v, key]) => `${v}:${key.toString('hex')}`).join('\n') + '\n';
  await writeFile(`${file}.tmp`, text, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}
