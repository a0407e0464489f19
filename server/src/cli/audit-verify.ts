import { verifyAuditChain } from '../audit/audit-chain.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/bootstrap.js';
import { createLogger } from '../logger.js';

// `npm run audit:verify`: walks the audit chain and names the first broken link. Exit code 0
// when intact, 2 when broken, 1 when it could not run.
const config = loadConfig();
const log = createLogger('warn');
const { db, sendDb, embedded } = await openDatabase(config, log, { reuseRunning: true });
try {
  const report = await verifyAuditChain(db);
  // A report that is not ok always names its first broken event.
  const broken = report.ok ? null : report.firstBroken;
  const why = broken?.reason === 'hash' ? 'its content was changed' : 'the event before it is missing or changed';
  process.stdout.write(
    broken
      ? `audit chain BROKEN at event ${broken.id} (${why}); ${report.checked} events before it are intact\n`
      : `audit chain intact: ${report.checked} events\n`,
  );
  process.exitCode = report.ok ? 0 : 2;
} catch (err) {
  process.stderr.write(`audit:verify failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await db.end();
  await sendDb.end();
  await embedded?.stop();
}
