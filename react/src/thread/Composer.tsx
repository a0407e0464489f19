import {
  useLayoutEffect,
  useRef,
  useState,
  type ClipboardEvent,
  type DragEvent,
  type KeyboardEvent,
  type RefObject,
} from 'react';
import { MAX_MESSAGE_LENGTH } from '@carechat/protocol';
import { uploading } from '@carechat/client';
import { useKit } from '../chat/context.js';
import { useChat, useDraft } from '../chat/hooks.js';
import { useSavedReplyPicker } from '../saved-replies/SavedReplyPicker.js';
import { ComposerFlags, type SendFlags } from './ComposerFlags.js';
import { composerHeight } from './composer-height.js';
import { UploadList } from './UploadList.js';

/**
 * The composer of one conversation. Its text, reply target and uploads are that
 * conversation's draft, held in the client by conversation id: nothing typed here can follow
 * the person into another conversation. `disabled` says why nothing can be sent.
 */
export function Composer({ conversationId, disabled = null }: { conversationId: string; disabled?: string | null }) {
  const { client, strings: t } = useKit();
  const draft = useDraft(client.drafts, conversationId);
  const { text, replyTo, uploads } = draft;
  const fileInput = useRef<HTMLInputElement>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  useGrowWithText(textarea, text);
  const busy = uploading(draft);
  // A clinician's "/" finds a saved reply; the picker takes the keys it needs while open.
  const picker = useSavedReplyPicker(conversationId, text, (filled) => client.drafts.setText(conversationId, filled));
  const state = useChat();
  // The next message's flags, for this conversation only: another conversation starts with none.
  const [flagged, setFlagged] = useState<{ conversationId: string; flags: SendFlags }>({ conversationId, flags: {} });
  const flags = flagged.conversationId === conversationId ? flagged.flags : {};

  const handleSend = () => {
    if (client.sendDraft(conversationId, flags)) setFlagged({ conversationId, flags: {} });
  };
  const handleCancelReply = () => client.drafts.setReplyTo(conversationId, null);

  const handleKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (picker.handleKeyDown(e)) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      handleSend();
    }
  };

  const handleFiles = (files: FileList | File[]) => client.drafts.attach(conversationId, files);

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
          <span className="muted small">{t.replyingTo}</span>{' '}
          <span className="small">{replyTo.content ?? t.attachmentLabel}</span>
          <button type="button" className="link" onClick={handleCancelReply} aria-label={t.cancelReply}>
            ✕
          </button>
        </div>
      )}
      <UploadList conversationId={conversationId} uploads={uploads} />
      {!disabled && (
        <ComposerFlags
          role={state.me.role}
          conversation={state.conversations[conversationId]}
          flags={flags}
          onChange={(next) => setFlagged({ conversationId, flags: next })}
        />
      )}
      {disabled ? (
        <p className="muted closed">{disabled}</p>
      ) : (
        <div className="composer-row">
          {picker.listbox}
          <button type="button" className="attach" aria-label={t.attachFile} onClick={() => fileInput.current?.click()}>
            📎
          </button>
          <input
            ref={fileInput}
            type="file"
            hidden
            multiple
            accept="image/jpeg,image/png,application/pdf"
            onChange={(e) => e.target.files && handleFiles(e.target.files)}
          />
          <textarea
            {...picker.inputProps}
            aria-label={t.message}
            placeholder={t.writeMessage}
            value={text}
            maxLength={MAX_MESSAGE_LENGTH}
            ref={textarea}
            rows={1}
            onChange={(e) => {
              client.drafts.setText(conversationId, e.target.value);
              client.typing(conversationId, e.target.value.length > 0);
            }}
            onKeyDown={handleKeyDown}
            onPaste={handlePaste}
          />
          <button type="button" onClick={handleSend} disabled={busy}>
            {t.send}
          </button>
        </div>
      )}
      {remaining < 500 && (
        <p className={remaining < 50 ? 'counter warn small' : 'counter muted small'}>{t.charactersLeft(remaining)}</p>
      )}
    </div>
  );
}

/**
 * Fits the textarea to its text, wrapped lines included (its scrollHeight, measured at height
 * auto), up to a share of the viewport; beyond that the text scrolls inside. Again when the
 * viewport changes (a phone's keyboard, a rotation).
 */
function useGrowWithText(ref: RefObject<HTMLTextAreaElement | null>, text: string) {
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const fit = () => {
      el.style.height = 'auto';
      const style = getComputedStyle(el);
      const borders = el.offsetHeight - el.clientHeight;
      const { height, scrolls } = composerHeight(
        el.scrollHeight + borders,
        window.visualViewport?.height ?? window.innerHeight,
        parseFloat(style.minHeight) || el.offsetHeight,
      );
      el.style.height = `${height}px`;
      el.style.overflowY = scrolls ? 'auto' : 'hidden';
    };
    fit();
    window.addEventListener('resize', fit);
    return () => window.removeEventListener('resize', fit);
  }, [ref, text]);
}
