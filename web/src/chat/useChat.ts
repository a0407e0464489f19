import { useSyncExternalStore } from 'react';
import type { ChatState, ChatStore } from './store.js';

export function useChat(store: ChatStore): ChatState {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
