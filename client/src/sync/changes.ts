import type { Message, ServerToClientEvents } from '@carechat/protocol';
import { withinWindow, type Thread } from './window.js';

export type DeletedEvent = Parameters<ServerToClientEvents['chat:deleted']>[0];

/**
 * A delete applied to a window: for oneself the message leaves; for everyone it stays in its
 * place (id and seq kept) with its content, files and reactions gone.
 */
export function withDeleted(thread: Thread, e: DeletedEvent, at: string): Thread {
  if (!thread.items.some((m) => m.id === e.messageId)) return thread;
  const items =
    e.scope === 'self'
      ? thread.items.filter((m) => m.id !== e.messageId)
      : thread.items.map((m) =>
          m.id === e.messageId ? { ...m, content: null, attachments: [], reactions: [], deletedAt: at } : m,
        );
  return { ...thread, items };
}

/**
 * A page of `changes?since=` applied to a window: messages now hidden for me leave it, and
 * every other change (new, edited, deleted for everyone, reacted to) merges where it fits.
 */
export function withChanges(thread: Thread, changes: readonly Message[]): Thread {
  const hidden = new Set(changes.filter((m) => m.hiddenForMe).map((m) => m.id));
  const kept = hidden.size ? { ...thread, items: thread.items.filter((m) => !hidden.has(m.id)) } : thread;
  return withinWindow(kept, [...changes]);
}
