import { useEffect, useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import { isClinician, MAX_MESSAGE_LENGTH, type SavedReply } from '@carechat/protocol';
import { fillPlaceholders, matchSavedReplies, slashQuery } from '@carechat/client';
import { useKit } from '../chat/context.js';
import { useChat } from '../chat/hooks.js';

export interface SavedReplyPicker {
  /** Spread on the composer's text field: it stays focused and points at the highlighted option. */
  inputProps: {
    'aria-autocomplete': 'list' | undefined;
    'aria-controls': string | undefined;
    'aria-activedescendant': string | undefined;
  };
  /** The composer's key handler calls this first; true means the picker took the key. */
  handleKeyDown: (e: KeyboardEvent<HTMLTextAreaElement>) => boolean;
  /** The list of matches, or null while closed. */
  listbox: ReactNode;
}

/**
 * A clinician's saved replies, found from the composer: a draft that starts with "/" opens a
 * listbox of the replies whose name matches what follows; arrows move, Enter or Tab (or a click)
 * puts the chosen reply, its placeholders filled in for this conversation, in place of the
 * "/search", Escape closes it. The text field keeps focus (the listbox is its
 * aria-activedescendant). Patients never get it: the server refuses them saved replies anyway.
 */
export function useSavedReplyPicker(
  conversationId: string,
  text: string,
  onInsert: (text: string) => void,
): SavedReplyPicker {
  const { client, strings: t } = useKit();
  const { me, conversations } = useChat();
  const query = isClinician(me.role) ? slashQuery(text) : null;
  const searching = query !== null;
  const [replies, setReplies] = useState<SavedReply[] | null>(null);
  // The highlighted option, for the search it was moved in: a new search starts at the first.
  const [active, setActive] = useState({ query, index: 0 });
  // The draft Escape closed the list at: it opens again once the search changes.
  const [dismissed, setDismissed] = useState<string | null>(null);

  // Read afresh at each "/", so a reply saved meanwhile (in the panel, on another device) is there.
  useEffect(() => {
    if (!searching) return;
    let current = true;
    client.savedReplies.list().then(
      (list) => current && setReplies(list),
      () => current && setReplies([]),
    );
    return () => {
      current = false;
    };
  }, [client, searching]);

  const matches = useMemo(
    () => (query === null || !replies ? [] : matchSavedReplies(replies, query)),
    [replies, query],
  );
  const open = matches.length > 0 && dismissed !== text;
  const highlighted = active.query === query ? Math.min(active.index, matches.length - 1) : 0;
  const listId = `cc-saved-replies-${conversationId}`;
  const optionId = (i: number) => `${listId}-${i}`;

  useEffect(() => {
    if (open) document.getElementById(optionId(highlighted))?.scrollIntoView({ block: 'nearest' });
  });

  const insert = (reply: SavedReply) => {
    const conversation = conversations[conversationId];
    const filled = fillPlaceholders(reply.body, { patient: conversation?.patient, doctor: conversation?.doctor });
    // A long reply with long names could pass the limit the server holds a message to.
    const inserted = filled.slice(0, MAX_MESSAGE_LENGTH);
    setDismissed(inserted);
    onInsert(inserted);
  };

  const handleKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open || e.nativeEvent.isComposing) return false;
    const chosen = matches[highlighted];
    if (e.key === 'ArrowDown') setActive({ query, index: (highlighted + 1) % matches.length });
    else if (e.key === 'ArrowUp') setActive({ query, index: (highlighted - 1 + matches.length) % matches.length });
    else if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && chosen) insert(chosen);
    else if (e.key === 'Escape') setDismissed(text);
    else return false;
    e.preventDefault();
    return true;
  };

  const listbox = open ? (
    <ul className="saved-reply-picker" role="listbox" id={listId} aria-label={t.savedReplies}>
      {matches.map((reply, i) => (
        <li
          key={reply.id}
          id={optionId(i)}
          role="option"
          aria-selected={i === highlighted}
          // The text field keeps focus: a click must not take it.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => insert(reply)}
        >
          <span className="saved-reply-name">
            {reply.name}
            {reply.scope === 'team' && <span className="muted small"> · {t.teamReply}</span>}
          </span>
          <span className="muted small saved-reply-preview">{reply.body}</span>
        </li>
      ))}
    </ul>
  ) : null;

  return {
    inputProps: {
      'aria-autocomplete': query !== null ? 'list' : undefined,
      'aria-controls': open ? listId : undefined,
      'aria-activedescendant': open ? optionId(highlighted) : undefined,
    },
    handleKeyDown,
    listbox,
  };
}
