import { useRef, useState, type ClipboardEvent, type DragEvent, type KeyboardEvent } from 'react';
import { MAX_ATTACHMENTS_PER_MESSAGE, MAX_MESSAGE_LENGTH, type Attachment, type Message } from '@carechat/protocol';
import { uploadFile } from '../api/http.js';
import type { ChatStore } from '../chat/store.js';

interface Upload {
  key: string;
  name: string;
  progress: number;
  attachment?: Attachment;
  error?: string;
}

export function Composer({ store, conversationId, replyTo, onCancelReply, disabled }: {
  store: ChatStore;
  conversationId: string;
  replyTo: Message | null;
  onCancelReply: () => void;
  disabled: string | null;
}) {
  const [text, setText] = useState('');
  const [uploads, setUploads] = useState<Upload[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const ready = uploads.filter((u) => u.attachment).map((u) => u.attachment!);
  const busy = uploads.some((u) => !u.attachment && !u.error);

  const handleSend = () => {
    const content = text.trim();
    if ((!content && ready.length === 0) || busy || content.length > MAX_MESSAGE_LENGTH) return;
    store.send(conversationId, content, { ...(replyTo ? { replyToId: replyTo.id } : {}), attachments: ready });
    store.typing(conversationId, false);
    setText('');
    setUploads([]);
    onCancelReply();
  };

  const handleKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      handleSend();
    }
  };

  const handleFiles = (files: FileList | File[]) => {
    for (const file of [...files].slice(0, MAX_ATTACHMENTS_PER_MESSAGE - uploads.length)) {
      const key = `${file.name}-${Date.now()}-${Math.random()}`;
      setUploads((u) => [...u, { key, name: file.name, progress: 0 }]);
      const form = new FormData();
      form.append('conversationId', conversationId);
      form.append('file', file, file.name);
      const update = (patch: Partial<Upload>) => setUploads((u) => u.map((x) => (x.key === key ? { ...x, ...patch } : x)));
      uploadFile<Attachment>('/api/chat/attachments', form, (progress) => update({ progress })).then(
        (attachment) => update({ attachment, progress: 1 }),
        (e: Error) => update({ error: e.message }),
      );
    }
  };

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
          <button type="button" className="link" onClick={onCancelReply} aria-label="Cancel reply">
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
              <button type="button" className="link" aria-label={`Remove ${u.name}`} onClick={() => setUploads((x) => x.filter((y) => y.key !== u.key))}>
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
              setText(e.target.value);
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
