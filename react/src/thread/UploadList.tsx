import type { Draft } from '@carechat/client';
import { useKit } from '../chat/context.js';
import { AttachmentImage } from './AttachmentImage.js';

/**
 * The files attached to a draft: a thumbnail once uploaded, progress meanwhile, the error if
 * refused, and "Try again" when the refusal was not the file's (the scanner could not check it).
 */
export function UploadList({ conversationId, uploads }: { conversationId: string; uploads: Draft['uploads'] }) {
  const { client, strings: t } = useKit();
  if (uploads.length === 0) return null;
  return (
    <ul className="uploads">
      {uploads.map((u) => (
        <li key={u.key}>
          {u.attachment?.mimeType.startsWith('image/') ? (
            <AttachmentImage id={u.attachment.id} thumbnail alt={u.name} />
          ) : (
            <span>📄</span>
          )}
          <span className="small">{u.name}</span>
          {u.error ? (
            <>
              <span role="alert" className="error small">
                {u.error}
              </span>
              {u.retryable && (
                <button
                  type="button"
                  className="retry small"
                  aria-label={t.tryUploadAgain(u.name)}
                  onClick={() => client.drafts.retryUpload(conversationId, u.key)}
                >
                  {t.tryAgain}
                </button>
              )}
            </>
          ) : !u.attachment ? (
            <progress value={u.progress} max={1} aria-label={t.uploading(u.name)} />
          ) : null}
          <button
            type="button"
            className="link"
            aria-label={t.remove(u.name)}
            onClick={() => client.drafts.removeUpload(conversationId, u.key)}
          >
            ✕
          </button>
        </li>
      ))}
    </ul>
  );
}
