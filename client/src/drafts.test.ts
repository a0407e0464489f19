import type { Attachment, Message } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import { DraftStore, type UploadFile } from './drafts.js';
import { CareChatError } from './errors.js';
import { forgetStored, memoryStorage, PersistedValue, personPrefix } from './storage.js';
import { EMPTY_DRAFT } from './sync/drafts.js';

const message = (id: string) => ({ id, content: `m-${id}` }) as Message;
const noUploads: UploadFile = () => Promise.reject(new Error('no uploads here'));
const keyOf = (userId: string) => `${personPrefix(userId)}drafts`;

/** A store for `userId` that has read back what storage holds. */
async function restored(storage: ReturnType<typeof memoryStorage>, userId: string, upload = noUploads) {
  const drafts = new DraftStore(upload);
  await drafts.restore(new PersistedValue(storage, keyOf(userId)));
  return drafts;
}

describe('the draft store', () => {
  it('keeps each person’s drafts apart, and a store made before a wipe never writes again', async () => {
    const storage = memoryStorage();
    await storage.set('unrelated', 'kept');
    const alice = await restored(storage, 'doctor-1');
    alice.setText('c1', 'your biopsy is positive');
    expect((await restored(storage, 'doctor-1')).get('c1').text).toBe('your biopsy is positive');
    expect((await restored(storage, 'doctor-2')).get('c1')).toBe(EMPTY_DRAFT);

    await forgetStored(storage, 'doctor-1');
    expect(await storage.get(keyOf('doctor-1'))).toBeNull();
    // A keystroke or an upload landing after the sign-out changes the page, not storage.
    alice.setText('c1', 'your biopsy is positive, call me');
    expect(await storage.get(keyOf('doctor-1'))).toBeNull();
    expect(await storage.get('unrelated')).toBe('kept');
    expect((await restored(storage, 'doctor-1')).get('c1')).toBe(EMPTY_DRAFT);
  });

  it('keeps a draft typed before storage answered over the stored one', async () => {
    const storage = memoryStorage();
    (await restored(storage, 'p')).setText('c1', 'stored');
    const drafts = new DraftStore(noUploads);
    drafts.setText('c1', 'typed meanwhile');
    await drafts.restore(new PersistedValue(storage, keyOf('p')));
    expect(drafts.get('c1').text).toBe('typed meanwhile');
  });

  it('empties a draft when it is taken to send, and keeps it when it cannot go yet', async () => {
    const storage = memoryStorage();
    const drafts = await restored(storage, 'patient-1');
    expect(drafts.take('c1')).toBeNull();
    drafts.setText('c1', 'hello');
    drafts.setReplyTo('c1', message('m1'));
    let notified = 0;
    drafts.subscribe(() => notified++);
    expect(drafts.take('c1')).toEqual({ content: 'hello', replyToId: 'm1', attachments: [] });
    expect(drafts.get('c1')).toBe(EMPTY_DRAFT);
    expect(notified).toBe(1);
    expect(await storage.get(keyOf('patient-1'))).toBeNull();
  });

  it('sends again a file the scanner could not check, and never one it refused', async () => {
    const answers: Array<() => Promise<Attachment>> = [
      () => Promise.reject(new CareChatError('SCAN_UNAVAILABLE', 'scanner unavailable', 503)),
      () => Promise.reject(new CareChatError('FILE_INFECTED', 'flagged', 422)),
      () => Promise.resolve({ id: 'a1', fileName: 'scan.pdf' } as Attachment),
    ];
    const sent: Blob[] = [];
    const drafts = new DraftStore((_c, file) => {
      sent.push(file);
      return answers.shift()!();
    });
    const file = new Blob(['%PDF-']);
    drafts.attach('c1', [Object.assign(file, { name: 'scan.pdf' })]);
    await new Promise((r) => setTimeout(r));
    const [failed] = drafts.get('c1').uploads;
    expect(failed).toMatchObject({ name: 'scan.pdf', error: 'scanner unavailable', retryable: true });

    drafts.retryUpload('c1', failed!.key);
    expect(drafts.get('c1').uploads).toEqual([{ key: failed!.key, name: 'scan.pdf', progress: 0 }]);
    await new Promise((r) => setTimeout(r));
    // The second try found something: that is the file's fault, and no "Try again" brings it back.
    expect(drafts.get('c1').uploads[0]).toMatchObject({ error: 'flagged', retryable: false });
    drafts.retryUpload('c1', failed!.key);
    expect(sent).toEqual([file, file]);
    expect(drafts.get('c1').uploads[0]?.error).toBe('flagged');
  });

  it('forgets a retryable file once it is removed from the draft', async () => {
    let calls = 0;
    const drafts = new DraftStore(() => {
      calls++;
      return Promise.reject(new CareChatError('NETWORK', 'no connection'));
    });
    drafts.attach('c1', [new Blob(['x'])]);
    await new Promise((r) => setTimeout(r));
    const key = drafts.get('c1').uploads[0]!.key;
    drafts.removeUpload('c1', key);
    drafts.retryUpload('c1', key);
    expect(calls).toBe(1);
    expect(drafts.get('c1')).toBe(EMPTY_DRAFT);
  });

  it('reports an upload’s progress and its attachment to the conversation it started in', async () => {
    let finish: (a: Attachment) => void = () => undefined;
    const upload: UploadFile = (_c, _f, _n, onProgress) => {
      onProgress(0.5);
      return new Promise((resolve) => (finish = resolve));
    };
    const drafts = await restored(memoryStorage(), 'p', upload);
    drafts.attach('c1', [new Blob(['x'])]);
    expect(drafts.get('c1').uploads).toMatchObject([{ progress: 0.5 }]);
    finish({ id: 'a1' } as Attachment);
    await Promise.resolve();
    expect(drafts.get('c1').uploads).toMatchObject([{ progress: 1, attachment: { id: 'a1' } }]);
    expect(drafts.get('c2')).toBe(EMPTY_DRAFT);
  });
});
