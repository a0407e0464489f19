import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import webpush from 'web-push';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/**
 * VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY, or a pair generated once and kept in DATA_DIR/vapid.json:
 * browsers bind a subscription to the public key, so it must not change between restarts.
 * Several processes starting at once agree on whichever file was written first.
 */
export async function loadVapidKeys(config: Config, log: Logger): Promise<VapidKeys> {
  if (config.vapid) return config.vapid;
  const file = path.join(config.dataDir, 'vapid.json');
  const subject = config.vapidSubject;
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as { publicKey: string; privateKey: string };
    return { ...saved, subject };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(config.dataDir, { recursive: true });
  const keys = webpush.generateVAPIDKeys();
  try {
    await writeFile(file, JSON.stringify(keys) + '\n', { mode: 0o600, flag: 'wx' });
    log.info({ file }, 'generated VAPID keys for Web Push');
    return { ...keys, subject };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return loadVapidKeys(config, log);
  }
}
