import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/**
 * The master key: MASTER_KEY when given; otherwise (never in production) one generated on
 * first start and kept in DATA_DIR/master.key, readable by the owner only.
 */
export async function loadMasterKey(config: Config, log: Logger): Promise<Buffer> {
  if (config.masterKeyHex) return Buffer.from(config.masterKeyHex, 'hex');
  const file = path.join(config.dataDir, 'master.key');
  if (existsSync(file)) {
    const hex = (await readFile(file, 'utf8')).trim();
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`${file} does not hold a 64-hex-character key`);
    return Buffer.from(hex, 'hex');
  }
  await mkdir(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  await writeFile(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  log.warn({ file }, 'generated a new master key; back it up: without it the messages cannot be read');
  return key;
}
