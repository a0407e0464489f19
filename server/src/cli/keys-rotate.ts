import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config.js';
import { Keyring } from '../crypto/keyring.js';
import { loadMasterKeys, writeKeyFile } from '../crypto/master-key.js';
import { rotateMasterKey } from '../crypto/rotation.js';
import { openDatabase } from '../db/bootstrap.js';
import { createLogger } from '../logger.js';

// `npm run keys:rotate`: a new master key version; every data key re-wrapped under it.
// With MASTER_KEY set, the new key comes from NEW_MASTER_KEY and you then configure it;
// without, DATA_DIR/master.key is updated in place. Restart servers afterwards.
const config = loadConfig();
const log = createLogger('warn');
const { db, sendDb, embedded } = await openDatabase(config, log, { reuseRunning: true });
try {
  const current = await loadMasterKeys(config, log);
  const { rows } = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM master_keys');
  const version = Math.max(rows[0]?.v ?? 0, ...current.keys.keys()) + 1;
  const fromEnv = process.env.NEW_MASTER_KEY;
  if (config.masterKeyHex && !/^[0-9a-f]{64}$/i.test(fromEnv ?? ''))
    throw new Error('set NEW_MASTER_KEY to the new key (64 hex characters)');
  const newKey = fromEnv ? Buffer.from(fromEnv, 'hex') : randomBytes(32);
  const keys = new Map(current.keys).set(version, newKey);
  // File mode: write the new key first, so a crash mid-rotation never loses a key in use.
  if (!config.masterKeyHex) await writeKeyFile(config, { currentVersion: version, keys });
  const report = await rotateMasterKey(db, new Keyring(keys, version));
  if (!config.masterKeyHex) {
    for (const retired of report.retired) keys.delete(retired);
    await writeKeyFile(config, { currentVersion: version, keys });
  }
  process.stdout.write(
    `rotated to master key version ${version}: ${report.rewrapped} data keys re-wrapped; ` +
      `retired versions: ${report.retired.join(', ') || 'none'}\n`,
  );
  if (report.remaining > 0)
    process.stdout.write(
      `${report.remaining} conversations were held busy throughout and keep their older key version: ` +
        'run keys:rotate again\n',
    );
  if (config.masterKeyHex)
    process.stdout.write(
      `now set MASTER_KEY=<NEW_MASTER_KEY> and MASTER_KEY_VERSION=${version}, ` +
        'drop retired versions from MASTER_KEYS_PREVIOUS, and restart the servers\n',
    );
} catch (err) {
  process.stderr.write(`keys:rotate failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await db.end();
  await sendDb.end();
  await embedded?.stop();
}
