import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded.js';
import { migrate } from '../db/migrate.js';
import { initPool } from '../db/pool.js';
import { createLogger } from '../logger.js';
import { clientId, createPair, sendText } from '../test/factories.js';
import { spawnServer, type ServerProcess } from '../test/server-process.js';
import { connectClient, sleep } from '../test/socket-client.js';

// This test owns a PostgreSQL it can stop and start: its own embedded one on a fixed port.
const dir = path.resolve('.test-data', `pg-restart-${process.pid}-${Date.now()}`);
const log = createLogger('silent');
let port: number;
let pg: EmbeddedDatabase;
let server: ServerProcess;

beforeAll(async () => {
  port = await freePort();
  pg = await startEmbeddedPostgres(dir, log, port);
  const pool = initPool(pg.url, 1, log);
  await migrate(pool, log);
  await pool.end();
  server = await spawnServer({ DATABASE_URL: pg.url });
}, 120_000);

afterAll(async () => {
  server?.child.kill('SIGKILL');
  await pg?.stop().catch(() => undefined);
  // Outside dir when run as root in a tree the postgres user cannot enter.
  if (pg) await rm(pg.clusterDir, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
});

describe('a PostgreSQL restart', () => {
  it('fails sends clearly while the database is down, keeps the server up, and recovers by itself', async () => {
    const { patient, doctor, conversation } = await createPair(server);
    const before = await sendText(patient, conversation.id, 'before the restart');
    const socket = await connectClient(server.url, { token: patient.token });

    await pg.stop();
    const during = await socket.emitAck('chat:message', {
      conversationId: conversation.id,
      clientMessageId: clientId(),
      content: 'while down',
    });
    expect(during.ok).toBe(false);
    expect(during.error.code).toBe('SERVICE_UNAVAILABLE');
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200); // alive, just not ready
    expect(server.child.exitCode).toBeNull();

    pg = await startEmbeddedPostgres(dir, log, port);
    let after: any;
    for (let i = 0; i < 50 && !after?.ok; i++) {
      after = await socket.emitAck('chat:message', {
        conversationId: conversation.id,
        clientMessageId: clientId(),
        content: 'after the restart',
      });
      if (!after.ok) await sleep(200);
    }
    expect(after.ok).toBe(true);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const page = await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    expect(page.body.data.map((m: any) => m.id)).toEqual([before.id, after.message.id]);
    socket.close();
  });
});
