import type { Role } from '@carechat/protocol';
import type { Channel } from './reminders.store.js';

/**
 * What a reminder says: never message text, a condition or anything else from the chat. The
 * other person's name appears only for someone who chose to see it in push notifications
 * (the same setting); a patient is told it is their care team.
 */
export function reminderText(o: {
  channel: Channel;
  role: Role;
  senderName: string | null;
  appUrl: string;
  /** A message waiting for the person to confirm they read it, rather than one unread. */
  ack?: boolean;
}): {
  subject: string;
  text: string;
} {
  const from = o.senderName ? `from ${o.senderName}` : o.role === 'PATIENT' ? 'from your care team' : 'in CareChat';
  const line = o.ack
    ? `A secure message ${from} asks you to confirm you have read it.`
    : `You have a new secure message ${from}.`;
  if (o.channel === 'sms') return { subject: '', text: `${line} Read it at ${o.appUrl}` };
  return {
    subject: o.ack ? 'Please confirm you have read a secure message' : 'You have a new secure message',
    text: `${line}\n\nSign in to read it: ${o.appUrl}\n\nThis e-mail never carries the message itself.`,
  };
}
