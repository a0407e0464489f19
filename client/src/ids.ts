/** A fresh id for a message (its clientMessageId, kept through every retry) or an upload. */
export const newClientMessageId = (): string =>
  typeof crypto !== 'undefined' && crypto.randomUUID
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
