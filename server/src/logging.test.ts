import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { clientId, createAppointment, createDoctor, createPatient } from './test/factories.js';
import { spawnServer, type ServerProcess } from './test/server-process.js';
import { RawConnection } from './test/raw-http.js';
import { connectClient, until } from './test/socket-client.js';

let server: ServerProcess | undefined;
afterAll(() => server?.child.kill('SIGKILL'));

describe('logs', () => {
  it('hold no message text, no names and no tokens, even at trace level and on errors', async () => {
    server = await spawnServer({ DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'trace' });
    const patient = await createPatient(server, 'Zelda Quinterra');
    const doctor = await createDoctor(server, 'Dr. Octavia Brightwater');
    await createAppointment(server, patient, doctor);
    const { body: conversation } = await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
    const secret = `rash on left forearm ${clientId()}`;
    const socket = await connectClient(server.url, { token: patient.token });

    const sent = await socket.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: secret,
    });
    expect(sent.ok).toBe(true);
    await socket.emitAck('chat:edit', { messageId: sent.message.id, content: `${secret} (edited)` });
    // Refusals and failures must not echo what was sent either.
    const tooLong = await socket.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: secret.repeat(200),
    });
    expect(tooLong.error.code).toBe('VALIDATION_FAILED');
    await doctor.api.get(`/api/chat/conversations?q=${encodeURIComponent('Quinterra')}`);
    await doctor.api.post(
      `/api/chat/conversations/${conversation.id}/messages`,
      `{"content": "${secret}", broken json`,
    );
    await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    socket.close();
    // The departure recorded, then a request the server logs after all of it: its log is the last.
    await until(async () => {
      const { patient: seen } = (await doctor.api.get(`/api/chat/conversations/${conversation.id}`)).body;
      return !seen.online && seen.lastSeenAt !== null;
    }, 'the departure to be recorded');
    const marker = `/api/log-marker-${clientId()}`;
    await doctor.api.get(marker);
    await until(() => server!.output().includes(marker), 'the last request to be logged');

    const logs = server.output();
    expect(logs.length).toBeGreaterThan(1000); // trace level really logged the traffic
    expect(logs).not.toContain(secret);
    expect(logs).not.toContain('rash on left forearm');
    expect(logs).not.toContain(patient.name);
    expect(logs).not.toContain(doctor.name);
    expect(logs).not.toContain('Quinterra');
    expect(logs).not.toContain(patient.token);

    // A database without autovacuum is named at start (the machine's server may have it either way).
    const probe = new pg.Client({ connectionString: inject('databaseUrl') });
    await probe.connect();
    const { rows } = await probe.query<{ autovacuum: string }>('SHOW autovacuum');
    await probe.end();
    expect(logs.includes('autovacuum off')).toBe(rows[0]!.autovacuum === 'off');
  });

  it('call an upload the client abandoned mid-body an event of the client, not an error with a stack', async () => {
    const patient = await createPatient(server!);
    const doctor = await createDoctor(server!);
    await createAppointment(server!, patient, doctor);
    const { body: conversation } = await patient.api.post('/api/chat/conversations', { participantId: doctor.id });
    const before = server!.output().length;
    const boundary = 'carechatabandoned';
    const head =
      `--${boundary}\r\nContent-Disposition: form-data; name="conversationId"\r\n\r\n${conversation.id}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.png"\r\n` +
      'Content-Type: image/png\r\n\r\n';
    const conn = await RawConnection.open(server!.url);
    conn.write(
      `POST /api/chat/attachments HTTP/1.1\r\nHost: ${new URL(server!.url).host}\r\n` +
        `Authorization: Bearer ${patient.token}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${5 * 1024 * 1024}\r\n\r\n${head}`,
    );
    conn.write(Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(256 * 1024, 7)]));
    // The phone loses its signal a quarter of a megabyte in, once the server has taken the request.
    await until(() => server!.output().slice(before).includes('/api/chat/attachments'), 'the upload to be taken');
    conn.socket.destroy();
    await expect
      .poll(() => server!.output().slice(before), { timeout: 10_000 })
      .toMatch(/request failed|client closed/);
    const logs = server!.output().slice(before);
    expect(logs).not.toMatch(/"level":50/);
    expect(logs).not.toContain('"stack"');
  });
});
