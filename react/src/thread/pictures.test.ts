import type { Attachment, Message } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import { composerHeight } from './composer-height.js';
import { picturesOf, stepPicture, swipeStep } from './pictures.js';

const file = (id: string, mimeType: string) =>
  ({ id, fileName: id, mimeType, size: 1, scanStatus: 'CLEAN' }) as Attachment;
const message = (attachments: Attachment[], deletedAt: string | null = null) =>
  ({ attachments, deletedAt }) as unknown as Message;

describe('the pictures of a thread', () => {
  const pictures = picturesOf([
    message([file('a', 'image/png'), file('letter', 'application/pdf')]),
    message([file('gone', 'image/png')], '2026-05-01T12:00:00.000Z'),
    message([file('b', 'image/jpeg'), file('c', 'image/png')]),
  ]);

  it('are the images of the messages not deleted, oldest first, without other files', () => {
    expect(pictures.map((p) => p.id)).toEqual(['a', 'b', 'c']);
  });

  it('step one before and one after, and stop at either end', () => {
    expect(stepPicture(pictures, 'b', 1)?.id).toBe('c');
    expect(stepPicture(pictures, 'b', -1)?.id).toBe('a');
    expect(stepPicture(pictures, 'c', 1)).toBeNull();
    expect(stepPicture(pictures, 'a', -1)).toBeNull();
    expect(stepPicture(pictures, 'letter', 1)).toBeNull();
  });

  it('follow a horizontal swipe, not a short or a vertical one', () => {
    expect(swipeStep(-120, 10)).toBe(1);
    expect(swipeStep(120, -10)).toBe(-1);
    expect(swipeStep(-30, 0)).toBeNull();
    expect(swipeStep(-80, 100)).toBeNull();
  });
});

describe("the composer's height", () => {
  it('follows its content from one line up to 40 % of the viewport, then scrolls', () => {
    expect(composerHeight(20, 740, 40)).toEqual({ height: 40, scrolls: false });
    expect(composerHeight(120, 740, 40)).toEqual({ height: 120, scrolls: false });
    expect(composerHeight(296, 740, 40)).toEqual({ height: 296, scrolls: false });
    expect(composerHeight(900, 740, 40)).toEqual({ height: 296, scrolls: true });
    // A viewport too short for the share still shows one line.
    expect(composerHeight(200, 50, 40)).toEqual({ height: 40, scrolls: true });
  });
});
