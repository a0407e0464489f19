import { MAX_ATTACHMENTS_PER_MESSAGE, MAX_MESSAGE_LENGTH, type Attachment, type Message } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import {
  draftOf,
  EMPTY_DRAFT,
  fromStored,
  MAX_STORED_DRAFTS,
  outgoing,
  toStored,
  uploading,
  withoutDraft,
  withoutUpload,
  withReplyTo,
  withText,
  withUploadAdded,
  withUploadChanged,
  type Drafts,
} from './drafts.js';

const message = (id: string) => ({ id, content: `m-${id}` }) as Message;
const attachment = (id: string) => ({ id, mimeType: 'image/png' }) as Attachment;

describe('drafts', () => {
  it('belong to their conversation: text, reply target and uploads never show in another', () => {
    let d: Drafts = {};
    d = withText(d, 'alice', 'your biopsy is positive');
    d = withReplyTo(d, 'alice', message('m1'));
    d = withUploadAdded(d, 'alice', { key: 'u1', name: 'scan.pdf', progress: 0 });
    expect(draftOf(d, 'bob')).toBe(EMPTY_DRAFT);
    expect(outgoing(draftOf(d, 'bob'))).toBeNull();
    expect(draftOf(d, 'alice')).toMatchObject({
      text: 'your biopsy is positive',
      replyTo: { id: 'm1' },
      uploads: [{ key: 'u1' }],
    });
  });

  it('apply an upload’s progress and end to the conversation it started in, whichever is open', () => {
    let d: Drafts = withUploadAdded({}, 'alice', { key: 'u1', name: 'scan.png', progress: 0 });
    d = withText(d, 'bob', 'Hello Bob');
    expect(uploading(draftOf(d, 'alice'))).toBe(true);
    expect(outgoing(draftOf(d, 'alice'))).toBeNull();
    d = withUploadChanged(d, 'alice', 'u1', { attachment: attachment('a1'), progress: 1 });
    // The same key under another conversation changes nothing there.
    d = withUploadChanged(d, 'bob', 'u1', { attachment: attachment('a1'), progress: 1 });
    expect(draftOf(d, 'bob').uploads).toEqual([]);
    expect(outgoing(draftOf(d, 'bob'))).toEqual({ content: 'Hello Bob', attachments: [] });
    expect(outgoing(draftOf(d, 'alice'))).toEqual({ content: '', attachments: [attachment('a1')] });
  });

  it('keep an upload removed while it was in flight removed when it finishes', () => {
    let d = withUploadAdded({}, 'alice', { key: 'u1', name: 'scan.png', progress: 0 });
    d = withoutUpload(d, 'alice', 'u1');
    d = withUploadChanged(d, 'alice', 'u1', { attachment: attachment('a1'), progress: 1 });
    expect(d).toEqual({});
  });

  it('take at most the protocol’s number of files per message', () => {
    let d: Drafts = {};
    for (let i = 0; i < MAX_ATTACHMENTS_PER_MESSAGE + 2; i++)
      d = withUploadAdded(d, 'alice', { key: `u${i}`, name: 'f', progress: 0 });
    expect(draftOf(d, 'alice').uploads).toHaveLength(MAX_ATTACHMENTS_PER_MESSAGE);
  });

  it('make a message as the composer did: trimmed, with its reply target, nothing when empty or too long', () => {
    expect(outgoing(draftOf(withText({}, 'a', '   \n '), 'a'))).toBeNull();
    const d = withReplyTo(withText({}, 'a', '  Take it with food \n'), 'a', message('m9'));
    expect(outgoing(draftOf(d, 'a'))).toEqual({ content: 'Take it with food', replyToId: 'm9', attachments: [] });
    expect(draftOf(withText({}, 'a', 'x'.repeat(MAX_MESSAGE_LENGTH + 10)), 'a').text).toHaveLength(MAX_MESSAGE_LENGTH);
    // A failed upload alone is nothing to send, and does not hold back the text.
    const failed = withUploadChanged(
      withUploadAdded(withText({}, 'a', 'hi'), 'a', { key: 'u', name: 'f', progress: 0 }),
      'a',
      'u',
      { error: 'Too big' },
    );
    expect(outgoing(draftOf(failed, 'a'))).toEqual({ content: 'hi', attachments: [] });
  });

  it('are dropped once sent or emptied, leaving the others', () => {
    let d = withText(withText({}, 'a', 'one'), 'b', 'two');
    d = withoutDraft(d, 'a');
    expect(Object.keys(d)).toEqual(['b']);
    d = withText(d, 'b', '');
    expect(d).toEqual({});
  });

  it('keep only the text of the most recently edited drafts across a reload, and survive junk in storage', () => {
    let d: Drafts = {};
    for (let i = 0; i < MAX_STORED_DRAFTS + 5; i++) d = withText(d, `c${i}`, `draft ${i}`, 1000 + i);
    d = withReplyTo(d, 'c54', message('m1'));
    d = withUploadAdded(d, 'only-upload', { key: 'u', name: 'f', progress: 1, attachment: attachment('a') });
    const back = fromStored(toStored(d));
    expect(Object.keys(back)).toHaveLength(MAX_STORED_DRAFTS);
    expect(back['c0']).toBeUndefined();
    expect(back['only-upload']).toBeUndefined();
    expect(back['c4']).toBeUndefined();
    expect(back['c54']).toEqual({ text: 'draft 54', replyTo: null, uploads: [], updatedAt: 1054 });
    expect(toStored({})).toBeNull();
    for (const junk of [
      null,
      '',
      '{',
      '[]',
      'null',
      '{"v":2,"drafts":{}}',
      '{"v":1,"drafts":{"a":{"text":5},"b":null,"c":{"text":""}}}',
    ])
      expect(fromStored(junk)).toEqual({});
  });
});
