import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.js';
import { es } from '../i18n/es.js';
import { canEdit, dayLabel, initials, relativeTime, roleLabel } from './format.js';

describe('the edit window', () => {
  it('is open to the sender for 15 minutes, and never for a deleted message', () => {
    const now = Date.parse('2026-05-01T12:00:00.000Z');
    const m = { senderId: 'me', createdAt: '2026-05-01T11:46:00.000Z', deletedAt: null };
    expect(canEdit(m, 'me', now)).toBe(true);
    expect(canEdit(m, 'you', now)).toBe(false);
    expect(canEdit({ ...m, createdAt: '2026-05-01T11:44:59.000Z' }, 'me', now)).toBe(false);
    expect(canEdit({ ...m, deletedAt: '2026-05-01T11:50:00.000Z' }, 'me', now)).toBe(false);
  });
});

describe('initials', () => {
  it('skip the doctor title', () => {
    expect([initials('Dr. Meredith Grey'), initials('alice'), initials('Bob  Nguyen Jr')]).toEqual(['MG', 'A', 'BN']);
  });
});

describe('dates in the catalogue’s words and the locale’s format', () => {
  const now = new Date(2026, 4, 13, 12, 0);
  const at = (day: number) => new Date(2026, 4, day, 9, 30).toISOString();

  it('name today and yesterday from the strings, older days in the locale', () => {
    expect([dayLabel(at(13), en, 'en', now), dayLabel(at(12), es, 'es', now)]).toEqual(['Today', 'Ayer']);
    expect(dayLabel(at(1), es, 'es', now)).toBe('viernes, 1 de mayo de 2026');
    expect(relativeTime(at(12), es, 'es', now)).toBe('Ayer');
    expect(relativeTime(at(10), en, 'en-GB', now)).toBe('Sun');
    expect(relativeTime(at(1), en, 'en-GB', now)).toBe('1 May');
  });

  it('give a role its designation, else the catalogue’s word', () => {
    expect(roleLabel({ role: 'DOCTOR', designation: null }, es)).toBe('Médico');
    expect(roleLabel({ role: 'DOCTOR', designation: 'Dermatologist' }, es)).toBe('Dermatologist');
    expect(roleLabel({ role: 'PATIENT', designation: null }, en)).toBe('Patient');
  });
});
