import { fork, type ChildProcess } from 'node:child_process';
import { io, type Socket } from 'socket.io-client';
import { trackChild } from './cleanup.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { signJwt, type BenchServer } from './server.js';
import { summarize } from './stats.js';

const ATTACKS = ['nested-json', 'trickle', 'socket-flood', 'rotated-photo', 'largest-allowed-photo'] as const;

/**
 * Another person's send round trip (chat:message → ack, 20 a second, open loop) with no
 * attack, then with each attack of #16 §3 running in a process of its own, all against one
 * server in one run; the server's peak RSS in each phase. See attack-worker.ts for the attacks.
 */
export async function attacksScenario(server: BenchServer, opts: { phaseSeconds: number }) {
  const run = Date.now().toString(36);
  const svc = { authorization: `Bearer ${server.serviceKey}`, 'content-type': 'application/json' };
  const people = ['victim', 'doctor', 'attacker', 'attacked-doctor'];
  const users = people.map((p) => ({
    id: `${p}-${run}`,
    name: p,
    role: p.includes('doctor') ? 'DOCTOR' : 'PATIENT',
    status: 'active',
  }));
  const appointments = [
    {
      id: `va-${run}`,
      patientId: `victim-${run}`,
      doctorId: `doctor-${run}`,
      startsAt: new Date().toISOString(),
      status: 'scheduled',
    },
    {
      id: `aa-${run}`,
      patientId: `attacker-${run}`,
      doctorId: `attacked-doctor-${run}`,
      startsAt: new Date().toISOString(),
      status: 'scheduled',
    },
  ];
  const batch = await fetch(`${server.url}/api/integration/batch`, {
    method: 'POST',
    headers: svc,
    body: JSON.stringify({ users, appointments }),
  });
  if (!batch.ok) throw new Error(`provisioning failed: ${batch.status}`);
  const token = (who: string) =>
    signJwt(server.jwtSecret, {
      sub: `${who}-${run}`,
      role: who.includes('doctor') ? 'DOCTOR' : 'PATIENT',
      name: who,
      exp: Math.floor(Date.now() / 1000) + 7200,
    });
  const open = async (who: string, doctor: string) =>
    (
      (await fetch(`${server.url}/api/chat/conversations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token(who)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ participantId: `${doctor}-${run}` }),
      }).then((r) => r.json())) as { id: string }
    ).id;
  const victimConversation = await open('victim', 'doctor');
  const attacker = {
    url: server.url,
    token: token('attacker'),
    conversationId: await open('attacker', 'attacked-doctor'),
  };
  const victim = await new Promise<Socket>((resolve, reject) => {
    const s = io(server.url, { transports: ['websocket'], auth: { token: token('victim') }, reconnection: true });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });

  let sent = 0;
  const phase = async (name: string) => {
    const ms: number[] = [];
    let failed = 0;
    resetPeakRss(server.pid);
    const start = performance.now();
    const acks: Promise<void>[] = [];
    for (let n = 0; n < opts.phaseSeconds * 20; n++) {
      const scheduled = start + n * 50;
      const wait = scheduled - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      acks.push(
        victim
          .timeout(15_000)
          .emitWithAck('chat:message', {
            conversationId: victimConversation,
            clientMessageId: `${run}-${sent++}`,
            content: 'are you there?',
          })
          .then(
            (a: { ok: boolean }) => {
              if (a.ok) ms.push(performance.now() - scheduled);
              else failed++;
            },
            () => void failed++,
          ),
      );
    }
    await Promise.all(acks);
    const peakRssKb = peakRss(server.pid);
    process.stderr.write(`attacks: ${name} done\n`);
    return {
      phase: name,
      sendMs: summarize(ms),
      failed,
      serverPeakRssMb: peakRssKb === null ? null : Math.round(peakRssKb / 1024),
    };
  };

  const phases = [await phase('none')];
  for (const kind of ATTACKS) {
    const child = trackChild(
      fork(new URL('./attack-worker.ts', import.meta.url), [kind, JSON.stringify(attacker)], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      }),
    );
    const last: { requests?: number; refusedConnections?: number } = {};
    child.on('message', (m: typeof last) => Object.assign(last, m));
    await new Promise<void>((resolve) => child.once('message', () => resolve())); // started (photos are built first)
    await new Promise((r) => setTimeout(r, 1000)); // under way
    const result = await phase(kind);
    await stop(child);
    phases.push({
      ...result,
      attackRequests: last.requests ?? 0,
      attackRefusedConnections: last.refusedConnections ?? 0,
    } as (typeof phases)[number]);
    await new Promise((r) => setTimeout(r, 2000)); // the server settles
  }
  victim.close();
  return { scenario: 'attacks', phaseSeconds: opts.phaseSeconds, victimRatePerSec: 20, phases };
}

/**
 * The server process's own peak RSS (VmHWM, its embedded PostgreSQL not included), reset at
 * the start of each phase by writing 5 to clear_refs (Linux; our own process, or root).
 */
function resetPeakRss(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not allowed here: the figure is then the peak since the server started
  }
}

function peakRss(pid: number): number | null {
  try {
    return Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return null;
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
