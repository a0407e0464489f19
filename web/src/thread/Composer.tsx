import { useRef, type ClipboardEvent, type DragEvent, type KeyboardEvent } from 'react';
import { MAX_MESSAGE_LENGTH } from '@carechat/protocol';
import { uploading } from '../chat/drafts.js';
import type { ChatStore } from '../chat/store.js';
import { useDraft } from '../chat/useChat.js';

/**
 * The composer of one conversation. Its text, reply target and uploads are that
 * conversation's draft, held in the store by conversation id: nothing typed here can follow
 * the person into another conversation.
 */
export function Composer({ store, conversationId, disabled }: { store: ChatStore; conversationId: string; disabled: string | null }) {
  const draft = useDraft(store.drafts, conversationId);
  const { text, replyTo, uploads } = draft;
  const fileInput = useRef<HTMLInputElement>(null);
  const busy = uploading(draft);

  const handleSend = () => void store.sendDraft(conversationId);
  const handleCancelReply = () => store.drafts.setReplyTo(conversationId, null);

  const handleKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      handleSend();
    }
  };

  const handleFiles = (files: FileList | File[]) => store.drafts.attach(conversationId, files);

  const handleDrop = (e: DragEvent) => {
    e.preventDefault();
    if (e.dataTransfer.files.length) handleFiles(e.dataTransfer.files);
  };
  const handlePaste = (e: ClipboardEvent) => {
    if (e.clipboardData.files.length) handleFiles(e.clipboardData.files);
  };

  const remaining = MAX_MESSAGE_LENGTH - text.length;
  return (
    <div className="composer" onDragOver={(e) => e.preventDefault()} onDrop={handleDrop}>
      {replyTo && (
        <div className="replying">
          <span className="muted small">Replying to:</span> <span className="small">{replyTo.content ?? 'Attachment'}</span>
          <button type="button" className="link" onClick={handleCancelReply} aria-label="Cancel reply">
            ✕
          </button>
        </div>
      )}
      {uploads.length > 0 && (
        <ul className="uploads">
          {uploads.map((u) => (
            <li key={u.key}>
              {u.attachment?.mimeType.startsWith('image/') ? (
                <img src={`/api/chat/attachments/${u.attachment.id}/thumbnail`} alt={u.name} />
              ) : (
                <span>📄</span>
              )}
              <span className="small">{u.name}</span>
              {u.error ? (
                <span role="alert" className="error small">{u.error}</span>
              ) : !u.attachment ? (
                <progress value={u.progress} max={1} aria-label={`Uploading ${u.name}`} />
              ) : null}
              <button type="button" className="link" aria-label={`Remove ${u.name}`} onClick={() => store.drafts.removeUpload(conversationId, u.key)}>
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      {disabled ? (
        <p className="muted closed">{disabled}</p>
      ) : (
        <div className="composer-row">
          <button type="button" className="attach" aria-label="Attach a file" onClick={() => fileInput.current?.click()}>
            📎
          </button>
          <input ref={fileInput} type="file" hidden multiple accept="image/jpeg,image/png,application/pdf" onChange={(e) => e.target.files && handleFiles(e.target.files)} />
          <textarea
            aria-label="Message"
            placeholder="Write a message"
            value={text}
            maxLength={MAX_MESSAGE_LENGTH}
            rows={Math.min(6, text.split('\n').length)}
            onChange={(e) => {
              store.drafts.setText(conversationId, e.target.value);
              store.typing(conversationId, e.target.value.length > 0);
            }}
            onKeyDown={handleKeyDown}
            onPaste={handlePaste}
          />
          <button type="button" onClick={handleSend} disabled={busy}>
            Send
          </button>
        </div>
      )}
      {remaining < 500 && <p className={remaining < 50 ? 'counter warn small' : 'counter muted small'}>{remaining} characters left</p>}
    </div>
  );
}
