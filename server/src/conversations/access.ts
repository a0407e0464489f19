import type { Actor } from '../context.js';
import type { Keyring } from '../crypto/keyring.js';
import { AppError, notFound } from '../errors.js';
import type { ConversationAccessRow, WriteRefusal } from './conversations.store.js';

/**
 * Non-participants get NOT_FOUND whether or not the conversation exists: they learn nothing.
 */
export function assertParticipant(
  conv: ConversationAccessRow | null,
  actor: Actor,
): asserts conv is ConversationAccessRow {
  if (!conv || !isParticipant(conv, actor)) throw notFound('No such conversation');
}

/**
 * Taking part: the patient, the doctor, or an active member of the doctor's care team, as
 * `conversation_access.member_ids` (migration 0023) read it, afresh for every request.
 */
export const isParticipant = (conv: { member_ids: string[] }, actor: Actor) => conv.member_ids.includes(actor.id);

/** A conversation whose data key is gone: refused a write, and unreadable. */
const erased = () => new AppError('NOT_FOUND', 'This conversation was permanently erased');

/**
 * The error each reason of the database's write rule (`conversation_access.write_refusal`,
 * migration 0016) is answered with: the one place a refused write becomes an error.
 */
const WRITE_REFUSED: Record<WriteRefusal, () => AppError> = {
  blocked: () =>
    new AppError('USER_BLOCKED', 'This conversation is closed: one of its participants is blocked or removed'),
  no_appointment: () => new AppError('NO_APPOINTMENT', 'You and this person no longer share an appointment'),
  erased: () => erased(),
};

/** Throws why the conversation may not be written in, as the database's rule read it, afresh for every write. */
export function assertCanWrite(conv: { write_refusal: WriteRefusal | null }): void {
  if (conv.write_refusal) throw WRITE_REFUSED[conv.write_refusal]();
}

/** Everyone an event of the conversation goes to: the patient, the doctor and the active care team. */
export const participantsOf = (conv: { member_ids: string[] }): string[] => conv.member_ids;

/** Everyone in it but `userId`: who sees them typing, who is pushed their message. */
export const othersOf = (conv: { member_ids: string[] }, userId: string): string[] =>
  conv.member_ids.filter((id) => id !== userId);

/** The conversation's data key; a shredded conversation has none and never will again. */
export function dataKeyOf(
  keyring: Keyring,
  conv: { id: string; wrapped_key: Buffer | null; key_version: number },
): Buffer {
  if (!conv.wrapped_key) throw erased();
  return keyring.dataKey(conv.id, { wrappedKey: conv.wrapped_key, keyVersion: conv.key_version });
}
