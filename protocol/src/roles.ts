import type { Role } from './shapes.js';

/** Every role, in the order the schemas list them. */
export const ROLES = ['PATIENT', 'DOCTOR', 'STAFF', 'ADMIN'] as const satisfies readonly Role[];

/**
 * Clinicians: the care side of a conversation, a doctor or a member of a doctor's care team.
 * They may ask for acknowledgements, keep saved replies and see urgent conversations first.
 */
export const CLINICIAN_ROLES: readonly Role[] = ['DOCTOR', 'STAFF'];

export const isClinician = (role: Role): boolean => CLINICIAN_ROLES.includes(role);
