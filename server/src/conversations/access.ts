import type { Actor } from '../context.js';
import type { Keyring } from '../crypto/keyring.js';
import { AppError, notFound } from '../errors.js';
import type { ConversationAccessRow } from './conversations.store.js';

/**
 * Non-participants get NOT_FOUND whether or not the conversation exists: they learn nothing.
 */
export function assertParticipant(conv: ConversationAccessRow | null, actor: Actor): asserts conv is ConversationAccessRow {
  if (!conv || !isParticipant(conv, actor)) throw notFound('No such conversation');
}

export const isParticipant = (conv: { patient_id: string; doctor_id: string }, actor: Actor) => conv.patient_id === actor.id || conv.doctor_id === actor.id;

/** Writing needs both people active and a live appointment, checked afresh on every write. */
export function assertCanWrite(conv: ConversationAccessRow): void {
  if (conv.patient_status !== 'active' || conv.doctor_status !== 'active')
    throw new AppError('USER_BLOCKED', 'This conversation is closed: one of its participants is blocked or removed');
  if (!conv.has_appointment) throw new AppError('NO_APPOINTMENT', 'You and this person no longer share an appointment');
}

export const participantsOf = (conv: { patient_id: string; doctor_id: string }) => [conv.patient_id, conv.doctor_id];

export const peerOf = (conv: { patient_id: string; doctor_id: string }, userId: string) =>
  conv.patient_id === userId ? conv.doctor_id : conv.patient_id;

/** The conversation's data key; a shredded conversation has none and never will again. */
export function dataKeyOf(keyring: Keyring, conv: { id: string; wrapped_key: Buffer | null; key_version: number }): Buffer {
  if (!conv.wrapped_key) throw new AppError('NOT_FOUND', 'This conversation was permanently erased');
  return keyring.dataKey(conv.id, { wrappedKey: conv.wrapped_key, keyVersion: conv.key_version });
}
