import { useCallback, useRef, useState } from 'react';
import type { Message } from '@carechat/protocol';
import { canEdit } from '../chat/format.js';
import { useKit } from '../chat/context.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { useDismiss, useLongPress } from './menu-gestures.js';

const QUICK_REACTIONS = ['👍', '❤️', '🙏', '😊', '😮'];

interface Props {
  message: Message;
  myId: string;
  onReply: (m: Message) => void;
  onEdit: () => void;
  onError: (message: string) => void;
}

/**
 * A message's "⋯" menu: quick reactions, reply, edit (within the window), copy and the deletes.
 * It opens from its button or a long press on the message, closes on Escape or a tap outside,
 * and "Delete for everyone" is confirmed first.
 */
export function MessageMenu({ message: m, myId, onReply, onEdit, onError }: Props) {
  const { client, strings: t } = useKit();
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(open, root, button, close);
  useLongPress(
    root,
    useCallback(() => setOpen(true), []),
  );
  const act = (fn: () => Promise<void>) => () => {
    setOpen(false);
    fn().catch((e: Error) => onError(e.message));
  };
  return (
    <div className="message-actions" ref={root}>
      <button
        ref={button}
        type="button"
        className="link"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={t.messageOptions}
        onClick={() => setOpen(!open)}
      >
        ⋯
      </button>
      {open && (
        <div role="menu" className="menu">
          <div className="quick">
            {QUICK_REACTIONS.map((e) => (
              <button
                key={e}
                type="button"
                role="menuitem"
                aria-label={t.react(e)}
                onClick={act(() => client.react(m.id, e, true))}
              >
                {e}
              </button>
            ))}
          </div>
          <button type="button" role="menuitem" onClick={() => (setOpen(false), onReply(m))}>
            {t.reply}
          </button>
          {canEdit(m, myId) && (
            <button type="button" role="menuitem" onClick={() => (setOpen(false), onEdit())}>
              {t.edit}
            </button>
          )}
          {m.content && (
            <button type="button" role="menuitem" onClick={act(() => navigator.clipboard.writeText(m.content ?? ''))}>
              {t.copy}
            </button>
          )}
          <button type="button" role="menuitem" onClick={act(() => client.delete(m.id, 'self'))}>
            {t.deleteForMe}
          </button>
          {m.senderId === myId && (
            <button type="button" role="menuitem" onClick={() => (setOpen(false), setConfirming(true))}>
              {t.deleteForEveryone}
            </button>
          )}
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title={t.deleteForEveryoneTitle}
          body={t.deleteForEveryoneBody}
          confirmLabel={t.deleteForEveryone}
          returnFocus={button}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            client.delete(m.id, 'everyone').catch((e: Error) => onError(e.message));
          }}
        />
      )}
    </div>
  );
}
