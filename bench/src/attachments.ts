import { signJwt, type BenchServer } from './server.js';
import { summarize } from './stats.js';

const MiB = 1024 * 1024;

/** A 10 MiB PDF: upload (scan, strip, encrypt, store) and download (decrypt, stream), timed. */
export async function attachmentsScenario(server: BenchServer, rounds = 8) {
  const run = Date.now().toString(36);
  const svc = { authorization: `Bearer ${server.serviceKey}`, 'content-type': 'application/json' };
  const users = [
    { id: `ap-${run}`, name: 'Patient', role: 'PATIENT', status: 'active' },
    { id: `ad-${run}`, name: 'Dr. Bench', role: 'DOCTOR', status: 'active' },
  ];
  const appointments = [
    {
      id: `aa-${run}`,
      patientId: `ap-${run}`,
      doctorId: `ad-${run}`,
      startsAt: new Date().toISOString(),
      status: 'scheduled',
    },
  ];
  await fetch(`${server.url}/api/integration/batch`, {
    method: 'POST',
    headers: svc,
    body: JSON.stringify({ users, appointments }),
  });
  const token = signJwt(server.jwtSecret, {
    sub: `ap-${run}`,
    role: 'PATIENT',
    name: 'Patient',
    exp: Math.floor(Date.now() / 1000) + 3600,
  });
  const auth = { authorization: `Bearer ${token}` };
  const conv = (await fetch(`${server.url}/api/chat/conversations`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ participantId: `ad-${run}` }),
  }).then((r) => r.json())) as { id: string };

  const file = Buffer.alloc(10 * MiB, 0x25);
  Buffer.from('%PDF-1.4\n').copy(file);
  for (let i = 9; i < file.length; i += 4093) file[i] = i % 251;
  const upload: number[] = [];
  const download: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const form = new FormData();
    form.append('conversationId', conv.id);
    form.append('file', new Blob([file]), 'scan.pdf');
    const t0 = performance.now();
    const res = await fetch(`${server.url}/api/chat/attachments`, { method: 'POST', headers: auth, body: form });
    const body = (await res.json()) as { id?: string; error?: { code: string } };
    if (res.status !== 201 || !body.id) throw new Error(`upload failed: ${res.status} ${body.error?.code}`);
    upload.push(performance.now() - t0);
    const t1 = performance.now();
    const down = Buffer.from(
      await (await fetch(`${server.url}/api/chat/attachments/${body.id}`, { headers: auth })).arrayBuffer(),
    );
    download.push(performance.now() - t1);
    if (!down.equals(file)) throw new Error('downloaded bytes differ');
  }
  return {
    scenario: 'attachments',
    fileBytes: file.length,
    rounds,
    uploadMs: summarize(upload),
    downloadMs: summarize(download),
  };
}
