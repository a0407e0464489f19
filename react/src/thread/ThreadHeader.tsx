import { useState, type RefObject } from 'react';
import { isClinician, type Conversation, type Participant } from '@carechat/protocol';
import { typistsOf } from '@carechat/client';
import { othersOnTeam, relativeTime, roleLabel, typingLabel } from '../chat/format.js';
import { useKit } from '../chat/context.js';
import { useChat } from '../chat/hooks.js';
import { Avatar } from '../components/Avatar.js';
import { Assignment } from './Assignment.js';

interface Props {
  conversation: Conversation;
  peer: Participant;
  accessOpen: boolean;
  onToggleAccess: () => void;
  searchOpen: boolean;
  onToggleSearch: () => void;
  /** The search button, where focus returns when the search closes. */
  searchButton: RefObject<HTMLButtonElement | null>;
}

/**
 * The thread's head: back (on a phone), who it is with and whether they are online, the rest of the
 * care team by name, search, archive, access log; for the care side, who handles it (triage).
 */
export function ThreadHeader(props: Props) {
  const { conversation, peer, accessOpen, onToggleAccess, searchOpen, onToggleSearch, searchButton } = props;
  const { client, strings: t, dateLocale } = useKit();
  const { typing: typingIn, me } = useChat();
  const typing = typingLabel(typistsOf(conversation, typingIn), peer.id, t);
  const team = othersOnTeam(conversation, me.id, peer.id).map((p) => p.name);
  const [archiveFailed, setArchiveFailed] = useState(false);
  const handleArchive = () => {
    setArchiveFailed(false);
    client.setArchived(conversation.id, !conversation.archived).catch(() => setArchiveFailed(true));
  };
  // Where a messaging app says it: in place of the presence line, while others type.
  const presence =
    typing ??
    (peer.online ? t.online : peer.lastSeenAt ? t.lastSeen(relativeTime(peer.lastSeenAt, t, dateLocale)) : t.offline);
  return (
    <header className="thread-head">
      <button
        type="button"
        className="link back"
        onClick={() => void client.open(null)}
        aria-label={t.backToConversations}
      >
        ←
      </button>
      <Avatar name={peer.name} online={peer.online} />
      <div>
        <h2>{peer.name}</h2>
        <p className={typing ? 'small typing-now' : 'muted small'}>
          {roleLabel(peer, t)} · {presence}
        </p>
        {team.length > 0 && (
          <p className="muted small team" title={t.withTeam(team)}>
            {t.withTeam(team)}
          </p>
        )}
      </div>
      <button
        ref={searchButton}
        type="button"
        className="link search-toggle"
        aria-label={t.searchInConversation}
        aria-expanded={searchOpen}
        onClick={onToggleSearch}
      >
        <span aria-hidden="true">⌕</span>
      </button>
      <button type="button" className="link archive" onClick={handleArchive}>
        {conversation.archived ? t.unarchive : t.archive}
      </button>
      <button type="button" className="link" aria-expanded={accessOpen} onClick={onToggleAccess}>
        {t.whoElseRead}
      </button>
      {isClinician(me.role) && <Assignment conversation={conversation} />}
      {archiveFailed && (
        <p role="alert" className="error small header-error">
          {conversation.archived ? t.unarchiveFailed : t.archiveFailed}
        </p>
      )}
    </header>
  );
}
