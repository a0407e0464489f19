import type { Role } from './shapes.js';

/** Every role, in the order the schemas list them. */
export const ROLES = ['PATIENT', 'DOCTOR', 'STAFF', 'ADMIN'] as const satisfies readonly Role[];

/**
 * Clinicians: the care side of a conversation, a doctor or a member of a doctor's care team.
 * They may ask for acknowledgements, keep saved replies and see urgent conversations first.
 */
export const CLINICIAN_ROLES: readonly Role[] = ['DOCTOR', 'STAFF'];

export const isClinician = (role: Role): boolean => CLINICIAN_ROLES.includes(role);

/**
 * Who opens conversations and has contacts (POST /api/chat/conversations, GET .../contacts): a
 * patient with their doctors, a doctor with their patients. A care team's members take part in
 * their doctors' conversations only, and admins in none.
 */
export const CONVERSATION_OPENER_ROLES: readonly Role[] = ['PATIENT', 'DOCTOR'];

export const opensConversations = (role: Role): boolean => CONVERSATION_OPENER_ROLES.includes(role);
