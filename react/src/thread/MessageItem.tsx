import { useState } from 'react';
import type { Conversation, Message, Participant } from '@carechat/protocol';
import { hasCareTeam } from '@carechat/client';
import { clockTime, senderLabel } from '../chat/format.js';
import { useKit } from '../chat/context.js';
import { AttachmentPreview } from './AttachmentPreview.js';
import { MessageFlags } from './MessageFlags.js';
import { LinkedText } from './LinkedText.js';
import { MessageMenu } from './MessageMenu.js';
import { Receipt } from './Receipt.js';

interface Props {
  message: Message;
  conversation: Conversation;
  myId: string;
  onReply: (m: Message) => void;
  onJump: (messageId: string) => void;
  /** Who else read up to this message, on my newest one anyone read, where a care team takes part. */
  readBy?: Participant[];
}

/**
 * One message in the thread: its quote, text (or its edit), files, reactions, time, receipt and menu.
 * Where a care team takes part, someone else's message says who wrote it, and my newest message
 * anyone read says who, in place of its ticks.
 */
export function MessageItem({ message: m, conversation, myId, onReply, onJump, readBy }: Props) {
  const { client, strings: t, dateLocale } = useKit();
  const mine = m.senderId === myId;
  const { replyTo } = m;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(m.content ?? '');
  const [error, setError] = useState<string | null>(null);

  const handleSaveEdit = () => {
    const text = draft.trim();
    if (!text) return;
    client.edit(m.id, text).then(
      () => setEditing(false),
      (e: Error) => setError(e.message),
    );
  };
  const handleReact = (emoji: string, on: boolean) =>
    client.react(m.id, emoji, on).catch((e: Error) => setError(e.message));

  return (
    <li
      className={['message', mine && 'mine', m.acknowledgement && 'ack-requested', m.urgent && 'urgent']
        .filter(Boolean)
        .join(' ')}
      id={`message-${m.id}`}
      data-seq={m.seq}
    >
      <div className="message-body">
        {!mine && hasCareTeam(conversation) && (
          <p className="sender small">{senderLabel(conversation, m.senderId, t)}</p>
        )}
        <div className="bubble">
          {replyTo && (
            <button type="button" className="quote" onClick={() => onJump(replyTo.id)}>
              {replyTo.preview}
            </button>
          )}
          {m.deletedAt ? (
            <p className="deleted muted">{t.messageDeleted}</p>
          ) : editing ? (
            <div className="edit">
              <textarea aria-label={t.editMessage} value={draft} onChange={(e) => setDraft(e.target.value)} />
              <button type="button" onClick={handleSaveEdit}>
                {t.save}
              </button>
              <button type="button" className="link" onClick={() => setEditing(false)}>
                {t.cancel}
              </button>
            </div>
          ) : (
            m.content && (
              <p className="text">
                <LinkedText text={m.content} />
              </p>
            )
          )}
          {m.attachments.map((a) => (
            <AttachmentPreview key={a.id} attachment={a} />
          ))}
          {m.reactions.length > 0 && (
            <div className="reactions">
              {m.reactions.map((r) => (
                <button
                  key={r.emoji}
                  type="button"
                  aria-pressed={r.userIds.includes(myId)}
                  onClick={() => void handleReact(r.emoji, !r.userIds.includes(myId))}
                >
                  {r.emoji} {r.userIds.length}
                </button>
              ))}
            </div>
          )}
          <MessageFlags message={m} mine={mine} />
          <div className="meta muted small">
            <time dateTime={m.createdAt}>{clockTime(m.createdAt, dateLocale)}</time>
            {m.editedAt && !m.deletedAt && <span> · {t.edited}</span>}
            {mine && !readBy && <Receipt message={m} conversation={conversation} />}
          </div>
          {error && (
            <p role="alert" className="error small">
              {error}
            </p>
          )}
        </div>
        {readBy && <p className="read-by small muted">{t.readBy(readBy.map((p) => p.name))}</p>}
      </div>
      {!m.deletedAt && (
        <MessageMenu
          message={m}
          myId={myId}
          onReply={onReply}
          onEdit={() => (setDraft(m.content ?? ''), setEditing(true))}
          onError={setError}
        />
      )}
    </li>
  );
}
