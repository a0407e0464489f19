import { useCallback, useSyncExternalStore } from 'react';
import type { Draft } from './drafts.js';
import type { DraftStore } from './draftStore.js';
import type { ChatState, ChatStore } from './store.js';

export function useChat(store: ChatStore): ChatState {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** One conversation's draft; re-renders only when that draft changes. */
export function useDraft(drafts: DraftStore, conversationId: string): Draft {
  return useSyncExternalStore(drafts.subscribe, useCallback(() => drafts.get(conversationId), [drafts, conversationId]));
}
