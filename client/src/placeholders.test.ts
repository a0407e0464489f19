import { describe, expect, it } from 'vitest';
import { fillPlaceholders, firstNameOf } from './placeholders.js';

const people = { patient: { name: 'Alice Patel' }, doctor: { name: 'Dr. Meredith Grey' } };

describe('filling in a saved reply', () => {
  it("puts in the patient's first name and the doctor's name", () => {
    expect(fillPlaceholders('Hi {patient.firstName}, it is {doctor.name}.', people)).toBe(
      'Hi Alice, it is Dr. Meredith Grey.',
    );
  });

  it('fills every occurrence of a placeholder', () => {
    expect(fillPlaceholders('{patient.firstName}! {patient.firstName}? {doctor.name}/{doctor.name}', people)).toBe(
      'Alice! Alice? Dr. Meredith Grey/Dr. Meredith Grey',
    );
  });

  it('leaves unknown placeholders and other braces as typed', () => {
    const body = 'Hi {patient.lastName} {Patient.FirstName} { patient.firstName } {doctor} {} {{x}} {patient.firstName';
    expect(fillPlaceholders(body, people)).toBe(body);
    expect(fillPlaceholders('{{patient.firstName}}', people)).toBe('{Alice}');
  });

  it('leaves a placeholder as typed when its name is missing or blank', () => {
    const body = 'Hello {patient.firstName}, from {doctor.name}';
    expect(fillPlaceholders(body, {})).toBe(body);
    expect(fillPlaceholders(body, { patient: null, doctor: { name: null } })).toBe(body);
    expect(fillPlaceholders(body, { patient: { name: '   ' }, doctor: { name: '' } })).toBe(body);
    expect(fillPlaceholders(body, { patient: { name: 'Bob' } })).toBe('Hello Bob, from {doctor.name}');
  });

  it('fills in one pass: a name that reads like a placeholder is not filled again', () => {
    const odd = { patient: { name: '{doctor.name} Smith' }, doctor: { name: '{patient.firstName}' } };
    expect(fillPlaceholders('{patient.firstName} / {doctor.name}', odd)).toBe('{doctor.name} / {patient.firstName}');
    // "$&" and "$1" mean something to String.replace with a string; a name is never read that way.
    expect(fillPlaceholders('Hi {patient.firstName}', { patient: { name: '$& $1' } })).toBe('Hi $&');
  });

  it('takes the first word of the name, whatever the spaces', () => {
    expect(firstNameOf('  María José  García ')).toBe('María');
    expect(firstNameOf('Cher')).toBe('Cher');
    expect(firstNameOf(undefined)).toBe('');
    expect(firstNameOf('')).toBe('');
  });

  it('leaves a body without placeholders unchanged', () => {
    expect(fillPlaceholders('Take two tablets daily.', people)).toBe('Take two tablets daily.');
  });
});
