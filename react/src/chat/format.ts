/** How the kit shows time and people, and the edit rule its menus follow; the sync state lives in @carechat/client. */
import { EDIT_WINDOW_MS, type Conversation, type Message, type Participant } from '@carechat/protocol';
import { participantsOf, readersOf, senderOf, type Watermarks } from '@carechat/client';
import type { Strings } from '../i18n/en.js';

/** Whether I may still edit a message (the server checks again). */
export function canEdit(
  message: Pick<Message, 'senderId' | 'createdAt' | 'deletedAt'>,
  myId: string,
  now = Date.now(),
): boolean {
  return message.senderId === myId && !message.deletedAt && now - Date.parse(message.createdAt) <= EDIT_WINDOW_MS;
}

/** A date in `locale` (a BCP 47 tag); undefined is the browser's own. */
export type DateLocale = string | undefined;

/** "14:05", "Yesterday", "Mon", "12 Mar": how long ago, the way chat lists show it. */
export function relativeTime(
  iso: string,
  words: Pick<Strings, 'yesterday'>,
  locale: DateLocale,
  now = new Date(),
): string {
  const d = new Date(iso);
  const days = daysBetween(d, now);
  if (days <= 0) return clockTime(iso, locale);
  if (days === 1) return words.yesterday;
  if (days < 7) return d.toLocaleDateString(locale, { weekday: 'short' });
  return d.toLocaleDateString(locale, { day: 'numeric', month: 'short' });
}

/** "Today", "Yesterday" or the date: the separators between days in a thread. */
export function dayLabel(
  iso: string,
  words: Pick<Strings, 'today' | 'yesterday'>,
  locale: DateLocale,
  now = new Date(),
): string {
  const d = new Date(iso);
  const days = daysBetween(d, now);
  if (days === 0) return words.today;
  if (days === 1) return words.yesterday;
  return d.toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

/** "14:05": a message's time. */
export const clockTime = (iso: string, locale: DateLocale) =>
  new Date(iso).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });

const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
const daysBetween = (d: Date, now: Date) => Math.floor((startOfDay(now) - startOfDay(d)) / 86_400_000);

export const initials = (name: string) =>
  name
    .replace(/^Dr\.?\s+/i, '')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w.charAt(0).toUpperCase())
    .join('');

/** The other person in a conversation. */
export const peerOf = (c: Conversation, myId: string) => (c.patient.id === myId ? c.doctor : c.patient);

type RoleWords = Pick<Strings, 'doctor' | 'patient' | 'careTeam'>;
const ROLE_WORD: Record<Participant['role'], (w: RoleWords) => string> = {
  DOCTOR: (w) => w.doctor,
  STAFF: (w) => w.careTeam,
  PATIENT: (w) => w.patient,
  // Admins take part in no conversation; were one ever shown, "Patient" would be wrong and no word is better.
  ADMIN: () => '',
};

/** "Cardiologist", "RN", or the role's word when the host gave no designation. */
export const roleLabel = (p: Pick<Participant, 'role' | 'designation'>, words: RoleWords) =>
  p.designation || ROLE_WORD[p.role](words);

/**
 * "Nurse Joy · RN": who wrote a message, above it where more than two people take part. Someone
 * since taken off the team is no longer among the participants, and the message names nobody:
 * they were of the care team.
 */
export function senderLabel(c: Conversation, senderId: string, words: RoleWords): string {
  const sender = senderOf(c, senderId);
  return sender ? `${sender.name} · ${roleLabel(sender, words)}` : words.careTeam;
}

/** The care side I am talking with besides the person the thread is named for: the header's "with …". */
export const othersOnTeam = (c: Conversation, myId: string, peerId: string): Participant[] =>
  participantsOf(c).filter((p) => p.id !== myId && p.id !== peerId && p.id !== c.patient.id);

/**
 * What the thread's header and a list row say while others type, null while nobody does: the
 * short "typing…" when it is only the person the row or header is named for, else who by name
 * ("Nurse Joy is typing…"), since in a care team that is often someone else.
 */
export function typingLabel(
  typists: readonly Pick<Participant, 'id' | 'name'>[],
  peerId: string,
  words: Pick<Strings, 'typing' | 'typingNow'>,
): string | null {
  if (typists.length === 0) return null;
  if (typists.length === 1 && typists[0]?.id === peerId) return words.typingNow;
  return words.typing(typists.map((p) => p.name));
}

/**
 * The newest of my messages that anyone else read, and who read up to it: the one "Read by …"
 * line a thread with a care team shows. Null when nobody (known by name) read any of mine.
 */
export function newestReadOfMine(
  items: readonly Pick<Message, 'id' | 'seq' | 'senderId'>[],
  c: Conversation,
  marks: Watermarks,
  myId: string,
): { messageId: string; readers: Participant[] } | null {
  for (const m of [...items].reverse()) {
    if (m.senderId !== myId) continue;
    const readers = readersOf(m.seq, c, marks, myId);
    if (readers.length > 0) return { messageId: m.id, readers };
  }
  return null;
}

/** How long a patient has waited, in the largest whole unit: what a triage row says ("waiting 2 h"). */
export function waitingFor(since: string, now = Date.now()): { n: number; unit: 'min' | 'h' | 'd' } {
  const minutes = Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
  if (minutes < 60) return { n: minutes, unit: 'min' };
  if (minutes < 24 * 60) return { n: Math.floor(minutes / 60), unit: 'h' };
  return { n: Math.floor(minutes / (24 * 60)), unit: 'd' };
}

/**
 * Whom a clinician may assign a conversation to, as the server allows: me first, then the
 * doctor and the rest of the care team (never the patient).
 */
export function assignable(c: Conversation, myId: string): Participant[] {
  const side = participantsOf(c).filter((p) => p.id !== c.patient.id);
  return [...side.filter((p) => p.id === myId), ...side.filter((p) => p.id !== myId)];
}
