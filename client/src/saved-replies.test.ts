import { describe, expect, it } from 'vitest';
import { createDoctor, createPatient, type TestUser } from '../../server/src/test/factories.js';
import { useTestApp } from '../../server/src/test/harness.js';
import { CareChatClient } from './client.js';
import { CareChatError } from './errors.js';
import { memoryStorage } from './storage.js';

const t = useTestApp();

const clientOf = (user: TestUser) => new CareChatClient({ url: t.url, token: user.token, storage: memoryStorage() });

describe('saved replies through the client', () => {
  it('lists, creates, updates and deletes a doctor’s own, typed as the server answers', async () => {
    const doctor = await createDoctor(t);
    const client = clientOf(doctor);
    const made = await client.savedReplies.create({ name: 'Labs', body: 'Hi {patient.firstName}, labs are in.' });
    expect(made).toMatchObject({ scope: 'mine', name: 'Labs' });
    await client.savedReplies.create({ name: 'alpha', body: 'First by name' });
    expect((await client.savedReplies.list()).filter((r) => r.scope === 'mine').map((r) => r.name)).toEqual([
      'alpha',
      'Labs',
    ]);
    expect(await client.savedReplies.update(made.id, { body: 'Labs are normal.' })).toMatchObject({
      id: made.id,
      body: 'Labs are normal.',
    });
    await client.savedReplies.delete(made.id);
    expect((await client.savedReplies.list()).some((r) => r.id === made.id)).toBe(false);
    const taken = await client.savedReplies.create({ name: 'ALPHA', body: 'x' }).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(CareChatError);
    expect((taken as CareChatError).code).toBe('CONFLICT');
    client.close();
  });

  it('gives a patient FORBIDDEN', async () => {
    const client = clientOf(await createPatient(t));
    const refused = await client.savedReplies.list().catch((e: unknown) => e);
    expect((refused as CareChatError).code).toBe('FORBIDDEN');
    client.close();
  });
});
