import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../db/embedded.js';

export const CLAMD_BINARY = ['/usr/sbin/clamd', '/usr/bin/clamd'].find((p) => existsSync(p)) ?? null;

// The standard antivirus test string, and a marker of our own that stands for malware.
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
export const MALWARE_MARKER = 'CARECHAT-TEST-MALWARE-MARKER-7f3a9c';

export interface Clamd {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real clamd with a signature database the tests write (there is no internet for the
 * official one): EICAR and our marker, in ClamAV's .ndb format. Limits above 10 MiB with
 * AlertExceedsMax, as operators are told to configure it.
 */
export async function startClamd(dir: string): Promise<Clamd> {
  if (!CLAMD_BINARY) throw new Error('clamd is not installed (apt-get install clamav-daemon)');
  const db = path.join(dir, 'db');
  await mkdir(db, { recursive: true });
  const hex = (s: string) => Buffer.from(s, 'latin1').toString('hex');
  await writeFile(
    path.join(db, 'carechat-test.ndb'),
    `CareChat.Test.EICAR:0:*:${hex(EICAR)}\nCareChat.Test.Marker:0:*:${hex(MALWARE_MARKER)}\n`,
  );
  const port = await freePort();
  const conf = path.join(dir, 'clamd.conf');
  await writeFile(
    conf,
    [
      `DatabaseDirectory ${db}`,
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      'Foreground yes',
      `LogFile ${path.join(dir, 'clamd.log')}`,
      'StreamMaxLength 12M',
      'MaxFileSize 12M',
      'MaxScanSize 48M',
      'AlertExceedsMax yes',
      'SelfCheck 0',
    ].join('\n') + '\n',
  );
  const child: ChildProcess = spawn(CLAMD_BINARY, ['-c', conf], { stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  while (!(await ping(port))) {
    if (child.exitCode !== null) throw new Error(`clamd exited with ${child.exitCode}; see ${dir}/clamd.log`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('clamd did not start within 60 s');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: `tcp://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    let reply = '';
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(false));
    s.on('connect', () => s.write('zPING\0'));
    s.on('data', (d) => {
      reply += d;
      if (reply.includes('PONG')) {
        s.end();
        resolve(true);
      }
    });
  });
}
