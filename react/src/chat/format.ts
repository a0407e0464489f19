/** How the kit shows time and people, and the edit rule its menus follow; the sync state lives in @carechat/client. */
import { EDIT_WINDOW_MS, type Conversation, type Message, type Participant } from '@carechat/protocol';
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

/** "Cardiologist", or the role when the host gave no designation. */
export const roleLabel = (p: Pick<Participant, 'role' | 'designation'>, words: Pick<Strings, 'doctor' | 'patient'>) =>
  p.designation || (p.role === 'DOCTOR' ? words.doctor : words.patient);
