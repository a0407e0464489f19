import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import webpush from 'web-push';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../test/app.js';
import { createDoctor, createPair, sendText } from '../test/factories.js';
import { usePushService } from '../test/push-service.js';
import { until } from '../test/socket-client.js';

const dirs: string[] = [];
const dataDir = async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'carechat-vapid-'));
  dirs.push(dir);
  return dir;
};
const push = usePushService();
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** The key browsers are given by a server started on `env` (and stopped again). */
async function publicKeyOf(env: Record<string, string>): Promise<string> {
  const app = await startTestApp(env);
  try {
    const doctor = await createDoctor(app);
    const res = await doctor.api.get('/api/push/public-key');
    expect(res.status).toBe(200);
    return res.body.publicKey;
  } finally {
    await app.close();
  }
}

describe('VAPID keys', () => {
  it('are generated once into DATA_DIR and kept across restarts', async () => {
    const dir = await dataDir();
    const first = await publicKeyOf({ DATA_DIR: dir });
    expect(Buffer.from(first, 'base64url')).toHaveLength(65); // an uncompressed P-256 point
    expect(await publicKeyOf({ DATA_DIR: dir })).toBe(first);
    const file = path.join(dir, 'vapid.json');
    expect(JSON.parse(await readFile(file, 'utf8')).publicKey).toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // The key comes from that directory: another one gets a pair of its own.
    expect(await publicKeyOf({ DATA_DIR: await dataDir() })).not.toBe(first);
  });

  it('are VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY when given, and sign real pushes', async () => {
    const given = webpush.generateVAPIDKeys();
    const dir = await dataDir();
    const app = await startTestApp({
      DATA_DIR: dir,
      VAPID_PUBLIC_KEY: given.publicKey,
      VAPID_PRIVATE_KEY: given.privateKey,
      VAPID_SUBJECT: 'mailto:push-test@carechat.invalid',
      PUSH_ALLOW_HTTP_ENDPOINTS: 'true',
    });
    try {
      const { patient, doctor, conversation } = await createPair(app);
      expect((await doctor.api.get('/api/push/public-key')).body.publicKey).toBe(given.publicKey);
      const sub = push.subscribe();
      expect((await doctor.api.post('/api/push/subscriptions', sub)).status).toBe(201);
      await sendText(patient, conversation.id, 'Signed with the given key');
      await until(() => push.received(sub).length === 1, 'a push');
      // The push service verified the JWT's signature with this key: the private key matches.
      expect(push.received(sub)[0]!.vapid).toMatchObject({
        publicKey: given.publicKey,
        claims: { sub: 'mailto:push-test@carechat.invalid' },
      });
      await expect(stat(path.join(dir, 'vapid.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await app.close();
    }
  });
});
