import { useCallback, useSyncExternalStore } from 'react';
import type { ClientState, Draft, DraftStore } from '@carechat/client';
import type { User } from '@carechat/protocol';
import { useKit } from './context.js';

/** What the kit renders: the client's state once the signed-in person is known. */
export type ChatState = ClientState & { me: User };

/** The client's state as it is, re-rendered at each change; `me` is null until the client knows who is signed in. */
export function useClientState(): ClientState {
  const { client } = useKit();
  return useSyncExternalStore(client.subscribe, client.getSnapshot);
}

/** The client's state inside the kit, which `CareChatProvider` renders only once the signed-in person is known. */
export function useChat(): ChatState {
  const state = useClientState();
  if (!state.me) throw new Error('CareChatClient has no signed-in person yet: pass `user` or await connect()');
  return state as ChatState;
}

/** One conversation's draft; re-renders only when that draft changes. */
export function useDraft(drafts: DraftStore, conversationId: string): Draft {
  return useSyncExternalStore(
    drafts.subscribe,
    useCallback(() => drafts.get(conversationId), [drafts, conversationId]),
  );
}
