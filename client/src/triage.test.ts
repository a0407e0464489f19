import { describe, expect, it, vi } from 'vitest';
import {
  createAppointment,
  createPair,
  createPatient,
  createStaff,
  sendText,
  setCareTeam,
} from '../../server/src/test/factories.js';
import { useTestApp } from '../../server/src/test/harness.js';
import { until } from '../../server/src/test/socket-client.js';
import { CareChatError } from './errors.js';
import { useClients } from './test/clients.js';

const t = useTestApp();
const clientOf = useClients(t);

describe('CareChatClient triage', () => {
  it('lists what needs a reply, follows the answer live, and assigns for the whole team to see', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const nurse = await createStaff(t, 'RN', 'Nurse Joy');
    await setCareTeam(t, doctor, [nurse]);
    const question = await sendText(patient, conversation.id, 'The rash is spreading');
    const [n, d, p] = [await clientOf(nurse), await clientOf(doctor), await clientOf(patient)];

    const waiting = await n.loadConversations('', false, true);
    expect(waiting.map((c) => [c.id, c.waitingSince])).toEqual([[conversation.id, question.createdAt]]);
    expect(n.getSnapshot().needsReplyView).toBe(true);
    expect(n.listConversations().map((c) => c.id)).toEqual([conversation.id]);

    await n.assign(conversation.id, nurse.id);
    expect(n.getSnapshot().conversations[conversation.id]?.assignee?.id).toBe(nurse.id);
    await until(
      () => d.getSnapshot().conversations[conversation.id]?.assignee?.id === nurse.id,
      'the assignment at the doctor',
    );
    // The doctor's own answer takes it off the nurse's needs-reply view, live.
    await sendText(doctor, conversation.id, 'Send me a photo');
    await until(() => n.listConversations().length === 0, 'the answered conversation to leave the view');
    expect(p.getSnapshot().conversations[conversation.id]?.assignee ?? null).toBeNull();
    await expect(p.assign(conversation.id, doctor.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(p.loadConversations('', false, true)).rejects.toBeInstanceOf(CareChatError);
  });

  it('keeps the view chosen last when an older list load answers after it', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const second = await createPatient(t);
    await createAppointment(t, second, doctor);
    const answered = (await second.api.post('/api/chat/conversations', { participantId: doctor.id })).body;
    await sendText(patient, conversation.id, 'Still waiting');
    await sendText(doctor, answered.id, 'Answered already');
    const d = await clientOf(doctor);
    // The full list's answer is held back until the needs-reply list has been applied.
    const realFetch = globalThis.fetch;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const res = await realFetch(input, init);
      if (String(input).includes('/api/chat/conversations?') && !String(input).includes('needsReply')) await held;
      return res;
    });
    try {
      const full = d.loadConversations('', false, false);
      await d.loadConversations('', false, true);
      expect(d.listConversations().map((c) => c.id)).toEqual([conversation.id]);
      release();
      await full;
      expect(d.getSnapshot().needsReplyView).toBe(true);
      expect(d.listConversations().map((c) => c.id)).toEqual([conversation.id]);
      // A load that names no view (the search as typing pauses) keeps the one asked for last,
      // also while that one is still on its way.
      await Promise.all([d.loadConversations('', false, false), d.loadConversations('')]);
      expect(d.getSnapshot().needsReplyView).toBe(false);
      await Promise.all([d.loadConversations('', false, true), d.loadConversations('')]);
      expect(d.getSnapshot().needsReplyView).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });
});
