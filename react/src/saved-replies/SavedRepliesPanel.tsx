import { useEffect, useState, type FormEvent } from 'react';
import { MAX_MESSAGE_LENGTH, MAX_SAVED_REPLY_NAME_LENGTH, type SavedReply } from '@carechat/protocol';
import { CareChatError } from '@carechat/client';
import { useKit } from '../chat/context.js';

type Draft = { name: string; body: string };

/**
 * A clinician's saved replies: their own, to add, edit and delete, and the shared ones, to read
 * (the organisation manages those). The composer finds any of them after a "/". Escape or Done closes it.
 */
export function SavedRepliesPanel({ onClose }: { onClose: () => void }) {
  const { client, strings: t } = useKit();
  const [replies, setReplies] = useState<SavedReply[] | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    client.savedReplies.list().then(
      (list) => current && setReplies(list),
      (err: Error) => current && setProblem(err.message),
    );
    return () => {
      current = false;
    };
  }, [client]);

  /** Runs a change, then shows the list as the server has it; false (and why) when refused. */
  const change = async (act: () => Promise<unknown>): Promise<boolean> => {
    setProblem(null);
    try {
      await act();
      setReplies(await client.savedReplies.list());
      return true;
    } catch (err) {
      setProblem(
        err instanceof CareChatError && err.code === 'CONFLICT' ? t.savedReplyNameTaken : (err as Error).message,
      );
      return false;
    }
  };

  const own = replies?.filter((r) => r.scope === 'mine') ?? [];
  const shared = replies?.filter((r) => r.scope === 'team') ?? [];
  return (
    <div
      className="settings-panel saved-replies-panel"
      role="dialog"
      aria-label={t.savedReplies}
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <h2>{t.savedReplies}</h2>
      <p className="muted small">{t.savedRepliesHint}</p>
      {problem && (
        <p role="alert" className="error small">
          {problem}
        </p>
      )}
      <ReplyForm
        legend={t.newSavedReply}
        submit={t.add}
        clearOnSave
        onSave={(draft) => change(() => client.savedReplies.create(draft))}
      />
      <h3>{t.yourSavedReplies}</h3>
      {replies && own.length === 0 && <p className="muted small">{t.noSavedReplies}</p>}
      <ul className="saved-replies">
        {own.map((reply) =>
          editing === reply.id ? (
            <li key={reply.id}>
              <ReplyForm
                legend={t.editSavedReply(reply.name)}
                submit={t.save}
                initial={reply}
                onCancel={() => setEditing(null)}
                onSave={async (draft) => {
                  const saved = await change(() => client.savedReplies.update(reply.id, draft));
                  if (saved) setEditing(null);
                  return saved;
                }}
              />
            </li>
          ) : (
            <li key={reply.id}>
              <ReplyView reply={reply} />
              <div className="saved-reply-actions">
                <button
                  type="button"
                  className="link"
                  aria-label={t.editSavedReply(reply.name)}
                  onClick={() => setEditing(reply.id)}
                >
                  {t.edit}
                </button>
                <button
                  type="button"
                  className="link"
                  aria-label={t.deleteSavedReply(reply.name)}
                  onClick={() => void change(() => client.savedReplies.delete(reply.id))}
                >
                  {t.delete}
                </button>
              </div>
            </li>
          ),
        )}
      </ul>
      {shared.length > 0 && (
        <>
          <h3>{t.teamSavedReplies}</h3>
          <p className="muted small">{t.teamSavedRepliesNote}</p>
          <ul className="saved-replies">
            {shared.map((reply) => (
              <li key={reply.id}>
                <ReplyView reply={reply} />
              </li>
            ))}
          </ul>
        </>
      )}
      <button type="button" onClick={onClose}>
        {t.done}
      </button>
    </div>
  );
}

function ReplyView({ reply }: { reply: SavedReply }) {
  return (
    <div className="saved-reply">
      <strong>{reply.name}</strong>
      <span className="muted small saved-reply-preview">{reply.body}</span>
    </div>
  );
}

/** A reply's name and text; `onSave` answers whether the server took it. */
function ReplyForm(props: {
  legend: string;
  submit: string;
  initial?: Draft;
  clearOnSave?: boolean;
  onSave: (draft: Draft) => Promise<boolean>;
  onCancel?: () => void;
}) {
  const { strings: t } = useKit();
  const [draft, setDraft] = useState<Draft>(props.initial ?? { name: '', body: '' });
  const [busy, setBusy] = useState(false);
  const handleSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const saved = await props.onSave({ name: draft.name.trim(), body: draft.body });
    setBusy(false);
    if (saved && props.clearOnSave) setDraft({ name: '', body: '' });
  };
  return (
    <form className="saved-reply-form" onSubmit={(e) => void handleSubmit(e)}>
      <fieldset>
        <legend>{props.legend}</legend>
        <label>
          {t.savedReplyName}
          <input
            value={draft.name}
            required
            maxLength={MAX_SAVED_REPLY_NAME_LENGTH}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
          />
        </label>
        <label>
          {t.savedReplyBody}
          <textarea
            value={draft.body}
            required
            rows={3}
            maxLength={MAX_MESSAGE_LENGTH}
            onChange={(e) => setDraft({ ...draft, body: e.target.value })}
          />
        </label>
        <div className="saved-reply-actions">
          {props.onCancel && (
            <button type="button" className="link" onClick={props.onCancel}>
              {t.cancel}
            </button>
          )}
          <button type="submit" disabled={busy || !draft.name.trim() || !draft.body.trim()}>
            {props.submit}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
