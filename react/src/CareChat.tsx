import type { ReactNode } from 'react';
import { opensConversations } from '@carechat/protocol';
import { CareChatProvider, useKit, type CareChatProviderProps } from './chat/context.js';
import { useChat } from './chat/hooks.js';
import { ConnectionBanner } from './components/ConnectionBanner.js';
import { ConversationList } from './conversations/ConversationList.js';
import { ConversationView } from './thread/ConversationView.js';

export interface CareChatProps extends Omit<CareChatProviderProps, 'children'> {
  /** The host's own bar above the chat (the app's: who is signed in, settings, sign-out), inside the kit's root. */
  header?: ReactNode;
  /** Something the host must tell the person above the chat (a conversation that could not be opened). */
  notice?: string | null;
}

/**
 * The whole chat: the conversation list and the open conversation side by side, one at a
 * time on a phone.
 */
export function CareChat({ header, notice, className, ...kit }: CareChatProps) {
  return (
    <CareChatProvider {...kit} className={className ? `cc-chat ${className}` : 'cc-chat'}>
      <ChatLayout header={header} notice={notice ?? null} />
    </CareChatProvider>
  );
}

function ChatLayout({ header, notice }: { header: ReactNode; notice: string | null }) {
  const { strings: t } = useKit();
  const { openId, me } = useChat();
  return (
    <div className={openId ? 'layout thread-open' : 'layout'}>
      {header}
      <ConnectionBanner />
      {notice && (
        <p className="banner error" role="alert">
          {notice}
        </p>
      )}
      <ConversationList />
      {openId ? (
        <ConversationView id={openId} />
      ) : (
        <section className="thread empty muted">
          {opensConversations(me.role) ? t.chooseConversation : t.chooseExistingConversation}
        </section>
      )}
    </div>
  );
}
