import { useEffect, useRef, useState } from 'react';
import type { Attachment, Conversation, Message } from '@carechat/protocol';
import { canEdit, tickFor, type Tick } from '../chat/logic.js';
import type { ChatStore } from '../chat/store.js';

const QUICK_REACTIONS = ['👍', '❤️', '🙏', '😊', '😮'];
const TICK_LABEL: Record<Tick, string> = { pending: 'Sending', failed: 'Not sent', sent: 'Sent', delivered: 'Delivered', read: 'Read' };
const TICK_ICON: Record<Tick, string> = { pending: '🕓', failed: '⚠', sent: '✓', delivered: '✓✓', read: '✓✓' };

interface Props {
  store: ChatStore;
  message: Message;
  conversation: Conversation;
  myId: string;
  onReply: (m: Message) => void;
  onJump: (messageId: string) => void;
}

export function MessageItem({ store, message: m, conversation, myId, onReply, onJump }: Props) {
  const mine = m.senderId === myId;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(m.content ?? '');
  const [menu, setMenu] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const tick = tickFor(m, conversation);
  const [viewing, setViewing] = useState<Attachment | null>(null);

  const act = (fn: () => Promise<void>) => () => {
    setMenu(false);
    fn().catch((e: Error) => setError(e.message));
  };
  const handleSaveEdit = () => {
    const text = draft.trim();
    if (!text) return;
    store.edit(m.id, text).then(() => setEditing(false), (e: Error) => setError(e.message));
  };

  return (
    <li className={mine ? 'message mine' : 'message'} id={`message-${m.id}`} data-seq={m.seq}>
      <div className="bubble">
        {m.replyTo && (
          <button type="button" className="quote" onClick={() => onJump(m.replyTo!.id)}>
            {m.replyTo.preview}
          </button>
        )}
        {m.deletedAt ? (
          <p className="deleted muted">This message was deleted</p>
        ) : editing ? (
          <div className="edit">
            <textarea aria-label="Edit message" value={draft} onChange={(e) => setDraft(e.target.value)} />
            <button type="button" onClick={handleSaveEdit}>
              Save
            </button>
            <button type="button" className="link" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        ) : (
          m.content && <p className="text">{m.content}</p>
        )}
        {m.attachments.map((a) =>
          a.mimeType.startsWith('image/') ? (
            <a
              key={a.id}
              className="image"
              href={`/api/chat/attachments/${a.id}`}
              aria-label={`View ${a.fileName}`}
              onClick={(e) => {
                e.preventDefault();
                setViewing(a);
              }}
            >
              <img src={`/api/chat/attachments/${a.id}/thumbnail`} alt={a.fileName} width={a.width && a.width < 320 ? a.width : undefined} />
            </a>
          ) : (
            <a key={a.id} className="file-card" href={`/api/chat/attachments/${a.id}`}>
              📄 {a.fileName} <span className="muted small">{Math.ceil(a.size / 1024)} KB</span>
            </a>
          ),
        )}
        {m.reactions.length > 0 && (
          <div className="reactions">
            {m.reactions.map((r) => (
              <button
                key={r.emoji}
                type="button"
                aria-pressed={r.userIds.includes(myId)}
                onClick={act(() => store.react(m.id, r.emoji, !r.userIds.includes(myId)))}
              >
                {r.emoji} {r.userIds.length}
              </button>
            ))}
          </div>
        )}
        <div className="meta muted small">
          <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
          {m.editedAt && !m.deletedAt && <span> · edited</span>}
          {mine && (
            <span className={`tick ${tick}`} aria-label={TICK_LABEL[tick]} title={TICK_LABEL[tick]}>
              {' '}
              {TICK_ICON[tick]}
            </span>
          )}
        </div>
        {error && <p role="alert" className="error small">{error}</p>}
      </div>
      {viewing && <Lightbox attachment={viewing} onClose={() => setViewing(null)} />}
      {!m.deletedAt && (
        <div className="message-actions">
          <button type="button" className="link" aria-haspopup="menu" aria-expanded={menu} aria-label="Message options" onClick={() => setMenu(!menu)}>
            ⋯
          </button>
          {menu && (
            <div role="menu" className="menu">
              <div className="quick">
                {QUICK_REACTIONS.map((e) => (
                  <button key={e} type="button" role="menuitem" aria-label={`React ${e}`} onClick={act(() => store.react(m.id, e, true))}>
                    {e}
                  </button>
                ))}
              </div>
              <button type="button" role="menuitem" onClick={() => (setMenu(false), onReply(m))}>
                Reply
              </button>
              {canEdit(m, myId) && (
                <button type="button" role="menuitem" onClick={() => (setMenu(false), setDraft(m.content ?? ''), setEditing(true))}>
                  Edit
                </button>
              )}
              {m.content && (
                <button type="button" role="menuitem" onClick={act(() => navigator.clipboard.writeText(m.content ?? ''))}>
                  Copy
                </button>
              )}
              <button type="button" role="menuitem" onClick={act(() => store.remove(m.id, 'self'))}>
                Delete for me
              </button>
              {mine && (
                <button type="button" role="menuitem" onClick={act(() => store.remove(m.id, 'everyone'))}>
                  Delete for everyone
                </button>
              )}
            </div>
          )}
        </div>
      )}
    </li>
  );
}

/** The full image over the thread; Escape or the button closes it. */
function Lightbox({ attachment, onClose }: { attachment: Attachment; onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    close.current?.focus();
    const handleKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', handleKey);
    return () => window.removeEventListener('keydown', handleKey);
  }, [onClose]);
  return (
    <div className="lightbox" role="dialog" aria-modal="true" aria-label={attachment.fileName} onClick={onClose}>
      <div onClick={(e) => e.stopPropagation()}>
        <img src={`/api/chat/attachments/${attachment.id}`} alt={attachment.fileName} />
        <div className="row">
          <a href={`/api/chat/attachments/${attachment.id}`}>Download</a>
          <button ref={close} type="button" className="link" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
