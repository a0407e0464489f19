import type { Message } from '@carechat/protocol';
import { describe, expect, inject, it } from 'vitest';
import { signJwt } from '../../server/src/test/app.js';
import { createAdmin, createPair, sendText, type TestUser } from '../../server/src/test/factories.js';
import { FakeClock } from '../../server/src/test/fake-clock.js';
import { cleanPng } from '../../server/src/test/files.js';
import { useTestApp } from '../../server/src/test/harness.js';
import { until } from '../../server/src/test/socket-client.js';
import { CareChatClient } from './client.js';
import type { ClientEvents } from './core.js';
import { memoryStorage, personPrefix, type ClientStorage } from './storage.js';
import { useClients } from './test/clients.js';

const t = useTestApp({ CLAMD_URL: inject('clamdUrl') });
const clientOf = useClients(t);

/** Every `name` event the client emits from now on. */
function record<K extends keyof ClientEvents>(client: CareChatClient, name: K): ClientEvents[K][] {
  const seen: ClientEvents[K][] = [];
  client.on(name, (e) => seen.push(e));
  return seen;
}

const texts = (client: CareChatClient, conversationId: string) =>
  (client.getSnapshot().threads[conversationId]?.items ?? []).map((m) => m.content);
const serverTexts = async (user: TestUser, conversationId: string) =>
  ((await user.api.get(`/api/chat/conversations/${conversationId}/messages`)).body.data as Message[]).map(
    (m) => m.content,
  );

describe('CareChatClient against the real server', () => {
  it('sends a message that is acked to the sender and reaches the other person, who sees it unread', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = [await clientOf(patient), await clientOf(doctor)];
    const unread = record(d, 'unread');
    const arrived = record(d, 'message');
    await Promise.all([p.open(conversation.id), d.open(conversation.id)]);
    await d.open(null);

    p.send(conversation.id, 'How are you feeling today?');
    await until(() => p.getSnapshot().outbox.items.length === 0, 'the ack');
    expect(texts(p, conversation.id)).toEqual(['How are you feeling today?']);
    await until(() => arrived.length === 1, 'the message at the doctor');
    expect(texts(d, conversation.id)).toEqual(['How are you feeling today?']);
    expect(unread.at(-1)).toEqual({ total: 1 });

    await d.open(conversation.id);
    expect(unread.at(-1)).toEqual({ total: 0 });
    // The patient's ticks follow the doctor's receipts.
    await until(() => p.getSnapshot().conversations[conversation.id]?.peerLastReadSeq === 1, 'the read receipt');
  });

  it('edits, reacts, deletes, types and shows presence between two clients; access log and push settings', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = [await clientOf(patient), await clientOf(doctor)];
    const opened = record(p, 'conversation-opened');
    await Promise.all([p.open(conversation.id), d.open(conversation.id)]);
    expect(opened).toEqual([{ conversationId: conversation.id }]);
    expect(p.presenceOf(doctor.id)).toMatchObject({ online: true });

    p.typing(conversation.id, true);
    await until(() => d.getSnapshot().typing[conversation.id]?.[0] === patient.id, 'the typing line');
    const sent = p.send(conversation.id, 'Mild pain since Monday');
    await until(() => d.getSnapshot().typing[conversation.id] === undefined, 'typing to stop with the send');
    await until(() => texts(d, conversation.id).length === 1, 'the message');
    const id = d.getSnapshot().threads[conversation.id]!.items[0]!.id;
    expect(p.getSnapshot().threads[conversation.id]!.items[0]!.clientMessageId).toBe(sent.clientMessageId);

    await p.edit(id, 'Mild pain since Sunday');
    await d.react(id, '👍', true);
    await until(() => texts(d, conversation.id)[0] === 'Mild pain since Sunday', 'the edit');
    await until(() => p.getSnapshot().threads[conversation.id]!.items[0]!.reactions.length === 1, 'the reaction');
    await p.delete(id, 'everyone');
    await until(() => d.getSnapshot().threads[conversation.id]!.items[0]!.deletedAt !== null, 'the delete');
    await expect(p.edit(id, 'again')).rejects.toMatchObject({ code: expect.any(String) });
    expect(await p.accessLog(conversation.id)).toEqual([]);
    expect(await p.push.updateSettings(true)).toMatchObject({ showSender: true });
    expect(await p.push.settings()).toMatchObject({ showSender: true });
  });

  it('catches up on a message whose broadcast it missed as soon as the next one shows the gap', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const p = await clientOf(patient);
    await sendText(doctor, conversation.id, 'Before');
    await p.open(conversation.id);
    // The client's own handler misses one broadcast, as when a server dies before its fan-out.
    const s = p.socket.socket;
    const handlers = s.listeners('chat:message');
    s.off('chat:message');
    const missed = new Promise((resolve) => s.once('chat:message', resolve));
    await sendText(doctor, conversation.id, 'The lost one');
    await missed;
    handlers.forEach((h) => s.on('chat:message', h));
    expect(texts(p, conversation.id)).toEqual(['Before']);

    await sendText(doctor, conversation.id, 'After');
    await until(() => texts(p, conversation.id).length === 3, 'the catch-up');
    expect(texts(p, conversation.id)).toEqual(['Before', 'The lost one', 'After']);
  });

  it('queues what is written offline and sends it once, in order, when the connection returns', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const p = await clientOf(patient, { clock: new FakeClock() });
    await p.open(conversation.id);
    p.socket.socket.disconnect();
    await until(() => p.getSnapshot().connection === 'offline', 'offline');
    for (const text of ['One', 'Two', 'Three']) p.send(conversation.id, text);
    expect(p.getSnapshot().outbox.items.map((i) => i.state)).toEqual(['pending', 'pending', 'pending']);
    expect(await serverTexts(doctor, conversation.id)).toEqual([]);

    p.socket.socket.connect();
    await until(() => p.getSnapshot().outbox.items.length === 0, 'the outbox to empty');
    expect(await serverTexts(doctor, conversation.id)).toEqual(['One', 'Two', 'Three']);
    expect(texts(p, conversation.id)).toEqual(['One', 'Two', 'Three']);
  });

  it('keeps unsent messages and drafts for a new client of the same person, and wipes them at sign-out', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const storage: ClientStorage = memoryStorage();
    const first = await clientOf(patient, { storage });
    first.socket.socket.disconnect();
    first.send(conversation.id, 'Written before the tab closed');
    first.drafts.setText(conversation.id, 'Half a thought');
    await until(async () => (await storage.get(`${personPrefix(patient.id)}outbox`)) !== null, 'the outbox stored');
    first.close();

    const second = await clientOf(patient, { storage });
    await until(() => second.getSnapshot().outbox.items.length === 0, 'the restored message sent');
    expect(await serverTexts(doctor, conversation.id)).toEqual(['Written before the tab closed']);
    expect(second.drafts.get(conversation.id).text).toBe('Half a thought');
    // Another person on the same device reads none of it.
    const other = await clientOf(doctor, { storage });
    expect(other.drafts.get(conversation.id).text).toBe('');

    const signedOut = record(second, 'signed-out');
    await second.signOut();
    expect(signedOut).toEqual([{ reason: 'sign-out' }]);
    expect(await storage.get(`${personPrefix(patient.id)}drafts`)).toBeNull();
    expect(await storage.get(`${personPrefix(patient.id)}outbox`)).toBeNull();
  });

  it('warns before the host token expires, and takes a fresh one without losing its state', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const token = (minutes: number) =>
      signJwt({
        sub: patient.id,
        role: 'PATIENT',
        name: patient.name,
        exp: Math.floor(Date.now() / 1000) + minutes * 60,
      });
    const clock = new FakeClock();
    const p = await clientOf({ ...patient, token: token(8) }, { clock });
    const expiring = record(p, 'token-expiring');
    await sendText(doctor, conversation.id, 'Hello');
    await p.open(conversation.id);

    clock.advance(2 * 60_000);
    expect(expiring).toEqual([]);
    clock.advance(2 * 60_000);
    expect(expiring).toHaveLength(1);
    expect(Date.parse(expiring[0]!.expiresAt)).toBeGreaterThan(Date.now() + 7 * 60_000);

    // A fresh token moves the warning to the new expiry (the idle limit, 15 minutes, comes first now).
    await p.setToken(token(60));
    clock.advance(4 * 60_000);
    expect(expiring).toHaveLength(1);
    clock.advance(4 * 60_000);
    expect(expiring).toHaveLength(2);
    expect(Date.parse(expiring[1]!.expiresAt)).toBeGreaterThan(Date.parse(expiring[0]!.expiresAt));
    await until(() => p.getSnapshot().connection === 'online', 'the new handshake');
    expect(texts(p, conversation.id)).toEqual(['Hello']);
    p.send(conversation.id, 'Still here');
    await until(() => p.getSnapshot().outbox.items.length === 0, 'the ack with the new token');
  });

  it('signs out when the server ends the session, and when the server refuses its token', async () => {
    const { patient } = await createPair(t);
    const storage = memoryStorage();
    const p = await clientOf(patient, { storage });
    p.drafts.setText('any', 'draft');
    const signedOut = record(p, 'signed-out');
    const admin = await createAdmin(t);
    expect((await admin.api.post(`/api/admin/users/${patient.id}/block`)).status).toBe(200);
    await until(() => signedOut.length > 0, 'signed-out');
    expect(signedOut).toEqual([{ reason: 'blocked' }]);
    await until(async () => (await storage.get(`${personPrefix(patient.id)}drafts`)) === null, 'the wipe');

    const refused = new CareChatClient({ url: t.url, token: 'not-a-token', storage: memoryStorage() });
    try {
      const refusals = record(refused, 'signed-out');
      await expect(refused.connect()).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
      expect(refusals).toEqual([{ reason: 'unauthenticated' }]);
    } finally {
      refused.close();
    }
  });

  it('uploads a file with progress and sends it', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const p = await clientOf(patient);
    const progress: number[] = [];
    const png = await cleanPng(400, 300);
    const attachment = await p.upload(conversation.id, new Blob([new Uint8Array(png)], { type: 'image/png' }), {
      name: 'scan.png',
      onProgress: (f) => progress.push(f),
    });
    expect(attachment).toMatchObject({ fileName: 'scan.png', mimeType: 'image/png', scanStatus: 'CLEAN' });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(1);

    p.send(conversation.id, '', { attachments: [attachment] });
    await until(() => p.getSnapshot().outbox.items.length === 0, 'the ack');
    const [sent] = (await doctor.api.get(`/api/chat/conversations/${conversation.id}/messages`)).body.data;
    expect(sent.attachments.map((a: { id: string }) => a.id)).toEqual([attachment.id]);
  });

  it('fetches an attachment with its token into one object URL that views share, none for someone else', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const [p, d] = [await clientOf(patient), await clientOf(doctor)];
    const png = await cleanPng(64, 48);
    const attachment = await p.upload(conversation.id, new Blob([new Uint8Array(png)], { type: 'image/png' }));
    // The other side may read it once it is sent.
    p.send(conversation.id, '', { attachments: [attachment] });
    await until(() => p.getSnapshot().outbox.items.length === 0, 'the ack');
    const [first, second] = [d.attachmentBlobUrl(attachment.id), d.attachmentBlobUrl(attachment.id)];
    const url = await first.url;
    expect(url).toMatch(/^blob:/);
    expect(await second.url).toBe(url);
    expect(Buffer.from(await (await fetch(url)).arrayBuffer()).equals(png)).toBe(true);
    first.release();
    second.release();
    // Released, it stays cached (no second fetch) until the session ends, which revokes it.
    const again = d.attachmentBlobUrl(attachment.id);
    expect(await again.url).toBe(url);
    again.release();
    d.close();
    await expect(fetch(url)).rejects.toThrow();

    // Someone outside the conversation gets the server's refusal, and nothing cached.
    const stranger = await clientOf((await createPair(t)).patient);
    await expect(stranger.attachmentBlobUrl(attachment.id).url).rejects.toMatchObject({ status: 404 });
  });
});
