import { useEffect, useRef, useState, type TouchEvent } from 'react';
import type { Attachment } from '@carechat/protocol';
import { useKit } from '../chat/context.js';
import { useChat } from '../chat/hooks.js';
import { useAttachmentUrl, useSaveAttachment } from './attachment-url.js';
import { picturesOf, stepPicture, swipeStep } from './pictures.js';

/**
 * The full image over the thread. ←/→, a swipe or the buttons step through the pictures of the
 * open thread's loaded messages; Escape, the button or a click beside the picture closes it.
 */
export function Lightbox({ attachment, onClose }: { attachment: Attachment; onClose: () => void }) {
  const { client, strings: t } = useKit();
  const state = useChat();
  const pictures = picturesOf((state.openId && state.threads[state.openId]?.items) || []);
  const [shown, setShown] = useState(attachment);
  const close = useRef<HTMLButtonElement>(null);
  const touchStart = useRef<{ x: number; y: number } | null>(null);
  const before = stepPicture(pictures, shown.id, -1);
  const after = stepPicture(pictures, shown.id, 1);
  const at = pictures.findIndex((a) => a.id === shown.id);

  useEffect(() => close.current?.focus(), []);
  useEffect(() => {
    const handleKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
      else if (e.key === 'ArrowLeft' && before) setShown(before);
      else if (e.key === 'ArrowRight' && after) setShown(after);
    };
    window.addEventListener('keydown', handleKey);
    return () => window.removeEventListener('keydown', handleKey);
  }, [onClose, before, after]);

  const handleTouchStart = (e: TouchEvent) => {
    const touch = e.touches[0];
    touchStart.current = e.touches.length === 1 && touch ? { x: touch.clientX, y: touch.clientY } : null;
  };
  const handleTouchEnd = (e: TouchEvent) => {
    const start = touchStart.current;
    const touch = e.changedTouches[0];
    touchStart.current = null;
    if (!start || !touch) return;
    const step = swipeStep(touch.clientX - start.x, touch.clientY - start.y);
    const next = step === null ? null : stepPicture(pictures, shown.id, step);
    if (next) setShown(next);
  };

  const url = useAttachmentUrl(shown.id);
  const download = useSaveAttachment();
  return (
    <div
      className="lightbox"
      role="dialog"
      aria-modal="true"
      aria-label={shown.fileName}
      onClick={onClose}
      // Anywhere on the dark overlay: a small picture leaves little of itself for a thumb.
      onTouchStart={handleTouchStart}
      onTouchEnd={handleTouchEnd}
    >
      <div onClick={(e) => e.stopPropagation()}>
        <img src={url} alt={shown.fileName} />
        <div className="row">
          {pictures.length > 1 && at !== -1 && (
            <span className="lightbox-steps">
              <button
                type="button"
                className="link"
                aria-label={t.previousPicture}
                disabled={!before}
                onClick={() => before && setShown(before)}
              >
                ←
              </button>
              <span className="muted small" aria-live="polite">
                {t.pictureOf(at + 1, pictures.length)}
              </span>
              <button
                type="button"
                className="link"
                aria-label={t.nextPicture}
                disabled={!after}
                onClick={() => after && setShown(after)}
              >
                →
              </button>
            </span>
          )}
          <a
            href={url ?? `#attachment-${shown.id}`}
            download={shown.fileName}
            onClick={(e) => {
              // Until the picture has arrived the link has no object URL: the click fetches it.
              if (url || !client.usesToken) return;
              e.preventDefault();
              download.save(shown.id, shown.fileName);
            }}
          >
            {t.download}
          </a>
          <button ref={close} type="button" className="link" onClick={onClose}>
            {t.close}
          </button>
        </div>
        {download.failed && (
          <p role="alert" className="error small">
            {t.downloadFailed(download.failed)}
          </p>
        )}
      </div>
    </div>
  );
}
