import { useState } from 'react';
import type { Attachment, Conversation, TranscriptMessage } from '@carechat/protocol';

/** A file route of the admin console, carrying the reason so that the server audits the read with it. */
export const adminFileUrl = (id: string, reason: string, preview: boolean) =>
  `/api/admin/attachments/${id}${preview ? '/thumbnail' : ''}?reason=${encodeURIComponent(reason)}`;

const when = (iso: string) => new Date(iso).toLocaleString();

/**
 * One message as an auditor needs it: who and when, the quote it replies to, its text or that
 * it was deleted (with the text it had), every earlier version, its files and reactions.
 */
export function TranscriptEntry({
  m,
  conversation,
  reason,
}: {
  m: TranscriptMessage;
  conversation: Conversation;
  reason: string;
}) {
  const nameOf = (id: string) =>
    id === conversation.doctor.id
      ? conversation.doctor.name
      : id === conversation.patient.id
        ? conversation.patient.name
        : id;
  const removed = m.versions.find((v) => v.replacedBy === 'delete');
  const edits = m.versions.filter((v) => v.replacedBy !== 'delete');
  return (
    <li className={m.senderId === conversation.doctor.id ? 'message mine' : 'message'} data-seq={m.seq}>
      <article className="bubble" aria-label={`Message ${m.seq}`}>
        <p className="small muted">
          {nameOf(m.senderId)} · #{m.seq} · <time dateTime={m.createdAt}>{when(m.createdAt)}</time>
        </p>
        {m.replyTo && (
          <blockquote className="transcript-quote small">
            Replying to {nameOf(m.replyTo.senderId)} (#{m.replyTo.seq}): {m.replyTo.preview}
          </blockquote>
        )}
        {m.deletedAt ? (
          <div className="transcript-deleted">
            <p className="muted small">Deleted {when(m.deletedAt)}</p>
            {removed && (
              <p className="text">
                <span className="tag">Former content</span> {removed.content}
              </p>
            )}
            {m.removedAttachments.length > 0 && (
              <p className="small">
                <span className="tag">Former files</span>{' '}
                {m.removedAttachments
                  .map((a) => `${a.fileName} (${a.mimeType}, ${Math.ceil(a.size / 1024)} KB)`)
                  .join(', ')}
                <span className="muted"> · removed with the message</span>
              </p>
            )}
          </div>
        ) : (
          m.content !== null && <p className="text">{m.content}</p>
        )}
        {edits.length > 0 && (
          <details className="transcript-versions">
            <summary className="small">
              Edited {m.editedAt ? when(m.editedAt) : ''} · {edits.length} earlier{' '}
              {edits.length === 1 ? 'version' : 'versions'}
            </summary>
            <ol>
              {edits.map((v) => (
                <li key={v.version}>
                  <span className="tag">Version {v.version}</span> <span className="text">{v.content}</span>{' '}
                  <span className="muted small">replaced {when(v.replacedAt)}</span>
                </li>
              ))}
            </ol>
          </details>
        )}
        {m.attachments.length > 0 && (
          <ul className="transcript-files">
            {m.attachments.map((a) => (
              <TranscriptFile key={a.id} a={a} reason={reason} />
            ))}
          </ul>
        )}
        {m.reactions.length > 0 && (
          <p className="transcript-reactions small" aria-label="Reactions">
            {m.reactions.map((r) => (
              <span key={r.emoji} className="tag">
                {r.emoji} {r.userIds.map(nameOf).join(', ')}
              </span>
            ))}
          </p>
        )}
      </article>
    </li>
  );
}

/** A file's metadata; its preview and its bytes only on request, since each is an audited read. */
function TranscriptFile({ a, reason }: { a: Attachment; reason: string }) {
  const [preview, setPreview] = useState(false);
  return (
    <li>
      <span>
        📄 {a.fileName}{' '}
        <span className="muted small">
          {a.mimeType} · {Math.ceil(a.size / 1024)} KB{a.width ? ` · ${a.width}×${a.height}` : ''} · {a.scanStatus}
        </span>
      </span>
      <span className="row">
        <button type="button" className="link" onClick={() => setPreview((p) => !p)} aria-expanded={preview}>
          {preview ? 'Hide preview' : 'Preview'}
        </button>
        <a href={adminFileUrl(a.id, reason, false)} download={a.fileName}>
          Download
        </a>
      </span>
      {preview && <img src={adminFileUrl(a.id, reason, true)} alt={`Preview of ${a.fileName}`} />}
    </li>
  );
}
