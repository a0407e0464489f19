import type { Conversation, Message } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import {
  previewOf,
  sortConversations,
  totalUnread,
  visibleConversations,
  withNewMessage,
  withPresence,
} from './conversations.js';

const person = (id: string) => ({ id, name: id, role: 'PATIENT' as const, online: false, lastSeenAt: null });
const conv = (id: string, lastMessageAt: string | null, createdAt = '2026-01-01T00:00:00.000Z') =>
  ({
    id,
    lastMessageAt,
    createdAt,
    lastMessage: null,
    lastSeq: 0,
    unreadCount: 0,
    archived: true,
    patient: person(`p-${id}`),
    doctor: person('doc'),
  }) as unknown as Conversation;
const msg = (seq: number, senderId: string, content: string | null = `m${seq}`) =>
  ({ id: `m${seq}`, seq, senderId, content, createdAt: '2026-04-01T00:00:00.000Z', deletedAt: null }) as Message;

describe('conversations', () => {
  it('put the newest activity first, and new conversations by when they were opened', () => {
    const list = sortConversations([
      conv('a', '2026-03-01T10:00:00.000Z'),
      conv('b', null, '2026-03-02T09:00:00.000Z'),
      conv('c', '2026-03-03T08:00:00.000Z'),
    ]);
    expect(list.map((c) => c.id)).toEqual(['c', 'b', 'a']);
  });

  it('count a message from the other person as unread, bring the conversation back from the archive, once', () => {
    let c = withNewMessage(conv('a', null), msg(1, 'peer'), false);
    expect(c).toMatchObject({ unreadCount: 1, lastSeq: 1, archived: false, lastMessage: { preview: 'm1' } });
    expect(withNewMessage(c, msg(1, 'peer'), false)).toBe(c);
    c = withNewMessage(c, msg(2, 'me'), true);
    expect(c.unreadCount).toBe(0);
  });

  it('preview long text, files and deletions the way the list shows them', () => {
    expect(previewOf(msg(1, 'x', 'y'.repeat(150)))).toHaveLength(100);
    expect(previewOf(msg(1, 'x', null))).toBe('📎 Attachment');
    expect(previewOf({ ...msg(1, 'x'), deletedAt: 'now' })).toBe('Message deleted');
  });

  it('show who is online in each conversation they take part in, and total what is unread', () => {
    const all = { a: conv('a', null), b: conv('b', null) };
    const next = withPresence(all, { userId: 'doc', online: true, lastSeenAt: null });
    expect([next.a!.doctor.online, next.b!.doctor.online, next.a!.patient.online]).toEqual([true, true, false]);
    expect(totalUnread({ a: { ...all.a, unreadCount: 2 }, b: { ...all.b, unreadCount: 3 } })).toBe(5);
  });

  it('put conversations with an unanswered urgent message first, each group newest first', () => {
    const urgent = { ...conv('u', '2026-01-05T10:00:00.000Z'), urgentAt: '2026-01-05T10:00:00.000Z' };
    const list = sortConversations([
      conv('a', '2026-03-01T10:00:00.000Z'),
      urgent,
      conv('c', '2026-03-03T08:00:00.000Z'),
    ]);
    expect(list.map((c) => c.id)).toEqual(['u', 'c', 'a']);
  });

  it("mark urgent on the patient's urgent message, keep the first time, and clear on the doctor's reply", () => {
    const c = { ...conv('a', null), urgentAt: null };
    const urgent = { ...msg(1, 'p-a'), urgent: true, createdAt: '2026-04-01T00:00:00.000Z' };
    const marked = withNewMessage(c, urgent, false);
    expect(marked.urgentAt).toBe('2026-04-01T00:00:00.000Z');
    const later = withNewMessage(
      marked,
      { ...msg(2, 'p-a'), urgent: true, createdAt: '2026-04-02T00:00:00.000Z' },
      false,
    );
    expect(later.urgentAt).toBe('2026-04-01T00:00:00.000Z');
    expect(withNewMessage(later, msg(3, 'p-a'), false).urgentAt).toBe('2026-04-01T00:00:00.000Z');
    expect(withNewMessage(later, msg(3, 'doc'), true).urgentAt).toBeNull();
    // A nurse of the doctor's team answers for the care side too.
    expect(withNewMessage(later, { ...msg(3, 'nurse'), senderRole: 'STAFF' }, false).urgentAt).toBeNull();
  });

  it("show a care team member's presence in the conversations of the team's doctor", () => {
    const nurse = { ...person('nurse'), role: 'STAFF' as const, designation: 'RN' };
    const all = { a: { ...conv('a', null), careTeam: [nurse] }, b: conv('b', null) };
    const next = withPresence(all, { userId: 'nurse', online: true, lastSeenAt: null });
    expect(next.a!.careTeam[0]).toMatchObject({ id: 'nurse', online: true, designation: 'RN' });
    expect(next.b).toBe(all.b);
  });

  it("start waiting at the patient's first unanswered message, keep it, and end it at any care-side reply", () => {
    const c = { ...conv('a', null), waitingSince: null };
    const first = withNewMessage(c, { ...msg(1, 'p-a'), createdAt: '2026-04-01T00:00:00.000Z' }, false);
    expect(first.waitingSince).toBe('2026-04-01T00:00:00.000Z');
    const second = withNewMessage(first, { ...msg(2, 'p-a'), createdAt: '2026-04-02T00:00:00.000Z' }, false);
    expect(second.waitingSince).toBe('2026-04-01T00:00:00.000Z');
    expect(withNewMessage(second, { ...msg(3, 'nurse'), senderRole: 'STAFF' }, false).waitingSince).toBeNull();
    expect(withNewMessage(second, msg(3, 'doc'), true).waitingSince).toBeNull();
  });

  it('show in the needs-reply view those waiting, not archived, longest waiting first, and the open one', () => {
    const waiting = (id: string, since: string | null, archived = false) => ({
      ...conv(id, '2026-05-01T00:00:00.000Z'),
      archived,
      waitingSince: since,
    });
    const all = {
      late: waiting('late', '2026-04-03T00:00:00.000Z'),
      early: waiting('early', '2026-04-01T00:00:00.000Z'),
      answered: waiting('answered', null),
      hidden: waiting('hidden', '2026-04-02T00:00:00.000Z', true),
      open: waiting('open', null),
    };
    const view = { archivedView: false, needsReplyView: true, openId: null };
    expect(visibleConversations(all, view).map((c) => c.id)).toEqual(['early', 'late']);
    expect(visibleConversations(all, { ...view, openId: 'open' }).map((c) => c.id)).toEqual(['early', 'late', 'open']);
    // Out of the triage view, the archive flag alone decides, as before.
    const active = visibleConversations(all, { ...view, needsReplyView: false }).map((c) => c.id);
    expect(active.sort()).toEqual(['answered', 'early', 'late', 'open']);
  });
});
