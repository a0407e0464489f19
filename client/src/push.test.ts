import { describe, expect, it } from 'vitest';
import {
  createAppointment,
  createPair,
  createPatient,
  sendText,
  type TestUser,
} from '../../server/src/test/factories.js';
import { useTestApp } from '../../server/src/test/harness.js';
import { usePushService } from '../../server/src/test/push-service.js';
import { until } from '../../server/src/test/socket-client.js';
import { CareChatClient } from './client.js';
import { memoryStorage } from './storage.js';

// The test push service is on plain http://127.0.0.1, which the server refuses otherwise.
const t = useTestApp({ PUSH_ALLOW_HTTP_ENDPOINTS: 'true' });
const push = usePushService();

/** A client for `user` with its session checked; closed by the caller, so its socket can go. */
async function signedIn(user: TestUser): Promise<CareChatClient> {
  const client = new CareChatClient({ url: t.url, token: user.token, storage: memoryStorage() });
  await client.connect();
  return client;
}

/** Closes the client and waits until the server has seen its socket go: the person has no device now. */
async function closeAndWaitGone(client: CareChatClient, user: TestUser): Promise<void> {
  client.close();
  await until(async () => (await t.socketsOf(user.id)) === 0, 'the server to see the device go');
}

describe('push subscriptions through the client', () => {
  it('registers a device that is pushed while the person has no socket, and not after unregister', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const d = await signedIn(doctor);
    // The key a browser's pushManager.subscribe takes is the one the server signs with.
    const publicKey = await d.push.publicKey();
    const device = push.subscribe();
    await d.push.register({ ...device, expirationTime: null });
    await closeAndWaitGone(d, doctor);

    await sendText(patient, conversation.id, 'Are my results back?');
    await until(() => push.received(device).length > 0, 'a push to the registered device');
    expect(push.received(device)[0]!.payload).toEqual({ title: 'New secure message', conversationId: conversation.id });
    expect(push.received(device)[0]!.vapid.publicKey).toBe(publicKey);

    // Unregistered, the device hears nothing more: a second device of the doctor, still
    // registered, is pushed for the next message, the first is not. That message is in another
    // conversation, since a device is pushed about one conversation at most once a minute.
    const again = await signedIn(doctor);
    const other = push.subscribe();
    await again.push.register({ ...other, expirationTime: null });
    await again.push.unregister(device.endpoint);
    await closeAndWaitGone(again, doctor);
    const second = await createPatient(t);
    await createAppointment(t, second, doctor);
    const next = (await second.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
    await sendText(second, next.id, 'A new patient writes');
    await until(() => push.received(other).length > 0, 'a push to the device still registered');
    expect(push.received(other)[0]!.payload).toEqual({ title: 'New secure message', conversationId: next.id });
    expect(push.received(device)).toHaveLength(1);
  });

  it('unregisters only the caller’s own subscription: another person cannot remove it', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const d = await signedIn(doctor);
    const device = push.subscribe();
    await d.push.register({ ...device, expirationTime: null });
    await closeAndWaitGone(d, doctor);

    // The patient knows the endpoint (say it leaked): unregistering it from their session changes nothing.
    const p = await signedIn(patient);
    await p.push.unregister(device.endpoint);
    p.close();
    await sendText(patient, conversation.id, 'Still reaching you?');
    await until(() => push.received(device).length > 0, 'a push to the doctor’s device');
    expect(push.received(device)).toHaveLength(1);
  });
});
