/**
 * The placeholders a saved reply's body may hold, filled in when it is inserted into a
 * conversation's composer, where the clinician reads the text before sending it.
 */
export const PLACEHOLDERS = ['{patient.firstName}', '{doctor.name}'] as const;

/** The people of the conversation a reply goes into; a name may be unknown. */
export interface PlaceholderPeople {
  patient?: { name?: string | null } | null;
  doctor?: { name?: string | null } | null;
}

/** The first word of a name ("Alice" of "Alice Patel"), or '' for none. */
export const firstNameOf = (name: string | null | undefined): string => name?.trim().split(/\s+/)[0] ?? '';

const PLACEHOLDER = /\{(patient\.firstName|doctor\.name)\}/g;

/**
 * `body` with each known placeholder replaced by its value, in one pass (a name that itself
 * reads "{doctor.name}" is not filled in again). Anything else in braces, and a placeholder whose
 * value is unknown or empty, stays as typed: better a visible "{patient.firstName}" the clinician
 * corrects before sending than "Hello ," sent to the patient.
 */
export function fillPlaceholders(body: string, people: PlaceholderPeople): string {
  const values: Record<string, string> = {
    'patient.firstName': firstNameOf(people.patient?.name),
    'doctor.name': people.doctor?.name?.trim() ?? '',
  };
  return body.replace(PLACEHOLDER, (whole, key: string) => values[key] || whole);
}
