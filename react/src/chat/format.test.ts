import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.js';
import { es } from '../i18n/es.js';
import type { Conversation, Participant } from '@carechat/protocol';
import {
  assignable,
  canEdit,
  dayLabel,
  initials,
  newestReadOfMine,
  othersOnTeam,
  relativeTime,
  roleLabel,
  senderLabel,
  typingLabel,
  waitingFor,
} from './format.js';

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
    expect(roleLabel({ role: 'STAFF', designation: 'RN' }, en)).toBe('RN');
    expect([roleLabel({ role: 'STAFF' }, en), roleLabel({ role: 'STAFF', designation: '' }, es)]).toEqual([
      'Care team',
      'Equipo de atención',
    ]);
  });
});

describe('a conversation with a care team', () => {
  const person = (id: string, name: string, role: Participant['role'], designation: string | null = null) =>
    ({ id, name, role, designation, online: false, lastSeenAt: null }) satisfies Participant;
  const joy = person('joy', 'Nurse Joy', 'STAFF', 'RN');
  const max = person('max', 'Max Assist', 'STAFF');
  const c = {
    id: 'c',
    patient: person('pat', 'Pat Doe', 'PATIENT'),
    doctor: person('doc', 'Dr. Smith', 'DOCTOR'),
    careTeam: [joy, max],
  } as Conversation;

  it('names who wrote, with their designation or role, and the care team for someone since gone from it', () => {
    expect([senderLabel(c, 'joy', en), senderLabel(c, 'max', en), senderLabel(c, 'doc', es)]).toEqual([
      'Nurse Joy · RN',
      'Max Assist · Care team',
      'Dr. Smith · Médico',
    ]);
    expect(senderLabel(c, 'someone-who-left', en)).toBe('Care team');
  });

  it('lists the care side besides the thread’s name and me, for the header', () => {
    const names = (ps: Participant[]) => ps.map((p) => p.name);
    expect(names(othersOnTeam(c, 'pat', 'doc'))).toEqual(['Nurse Joy', 'Max Assist']);
    expect(names(othersOnTeam(c, 'joy', 'pat'))).toEqual(['Dr. Smith', 'Max Assist']);
    expect(othersOnTeam({ ...c, careTeam: [] }, 'pat', 'doc')).toEqual([]);
  });

  it('says who is typing: "typing…" for the person the row is named for, else the typists by name', () => {
    expect(typingLabel([], 'doc', en)).toBeNull();
    expect(typingLabel([c.doctor], 'doc', en)).toBe('typing…');
    expect(typingLabel([joy], 'doc', en)).toBe('Nurse Joy is typing…');
    expect(typingLabel([c.doctor, joy], 'doc', en)).toBe('Dr. Smith and Nurse Joy are typing…');
    expect(typingLabel([joy], 'doc', es)).toBe('Nurse Joy está escribiendo…');
    expect(typingLabel([c.doctor, joy, max], 'doc', es)).toBe('Dr. Smith, Nurse Joy y Max Assist están escribiendo…');
  });

  it('says who read my newest message anyone read, in the catalogue’s words', () => {
    const items = [
      { id: 'm1', seq: 1, senderId: 'pat' },
      { id: 'm2', seq: 2, senderId: 'joy' },
      { id: 'm3', seq: 3, senderId: 'pat' },
    ];
    const marks = { c: { joy: { read: 3, delivered: 3 }, doc: { read: 1, delivered: 3 } } };
    expect(newestReadOfMine(items, c, marks, 'pat')).toEqual({ messageId: 'm3', readers: [joy] });
    const line = newestReadOfMine(items, c, { c: { doc: { read: 2, delivered: 2 } } }, 'pat');
    expect(line?.messageId).toBe('m1');
    expect(newestReadOfMine(items, c, {}, 'pat')).toBeNull();
    expect(en.readBy(['Nurse Joy'])).toBe('Read by Nurse Joy');
    expect(en.readBy(['Nurse Joy', 'Dr. Smith'])).toBe('Read by Nurse Joy and Dr. Smith');
    expect(es.readBy(['Ana', 'Dr. Smith', 'Max'])).toBe('Leído por Ana, Dr. Smith y Max');
  });

  it('offers me first, then the rest of the care side, never the patient, for assigning', () => {
    expect(assignable(c, 'joy').map((p) => p.id)).toEqual(['joy', 'doc', 'max']);
    expect(assignable(c, 'doc').map((p) => p.id)).toEqual(['doc', 'joy', 'max']);
  });
});

describe('waiting time', () => {
  it('says how long in the largest whole unit, in the catalogue’s words', () => {
    const now = Date.parse('2026-05-02T12:00:00.000Z');
    const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
    expect([waitingFor(ago(0.5), now), waitingFor(ago(59), now), waitingFor(ago(150), now)]).toEqual([
      { n: 0, unit: 'min' },
      { n: 59, unit: 'min' },
      { n: 2, unit: 'h' },
    ]);
    expect(waitingFor(ago(3 * 24 * 60 + 5), now)).toEqual({ n: 3, unit: 'd' });
    expect(en.waiting(2, 'h')).toBe('waiting 2 h');
    expect(es.waiting(5, 'min')).toBe('espera 5 min');
  });
});
