import type { Conversation, Participant } from '@carechat/protocol';

// `careTeam` may be missing from a server older than the care-teams extension: read it as no team.
export const teamOf = (c: Pick<Conversation, 'careTeam'>): Participant[] => c.careTeam ?? [];

/** Everyone of a conversation: the patient, the doctor and the doctor's care team. */
export const participantsOf = (c: Pick<Conversation, 'patient' | 'doctor' | 'careTeam'>): Participant[] => [
  c.patient,
  c.doctor,
  ...teamOf(c),
];

/** Whether more than two people take part: views then say who wrote each message and who read it. */
export const hasCareTeam = (c: Pick<Conversation, 'careTeam'>): boolean => teamOf(c).length > 0;

/** The participant who wrote a message, if they still take part; null for someone gone from the team. */
export const senderOf = (c: Conversation, senderId: string): Participant | null =>
  participantsOf(c).find((p) => p.id === senderId) ?? null;
