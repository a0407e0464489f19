import { describe, expect, it } from 'vitest';
import { createPair, createStaff, sendText, setCareTeam } from '../../server/src/test/factories.js';
import { useTestApp } from '../../server/src/test/harness.js';
import { until } from '../../server/src/test/socket-client.js';
import { typistsOf } from './sync/typing.js';
import { readersOf } from './sync/watermarks.js';
import { useClients } from './test/clients.js';

const t = useTestApp();
const clientOf = useClients(t);

describe('CareChatClient in a conversation with a care team', () => {
  it("names who read the patient's message, and forgets a conversation the nurse was taken out of", async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const nurse = await createStaff(t, 'RN', `Nurse Joy ${conversation.id.slice(0, 6)}`);
    await setCareTeam(t, doctor, [nurse]);
    const [p, n] = [await clientOf(patient), await clientOf(nurse)];
    expect(n.listConversations().map((c) => c.id)).toEqual([conversation.id]);
    expect(p.getSnapshot().conversations[conversation.id]?.careTeam).toMatchObject([
      { id: nurse.id, designation: 'RN' },
    ]);

    await p.open(conversation.id);
    await sendText(patient, conversation.id, 'The rash is spreading');
    await until(() => n.getSnapshot().conversations[conversation.id]?.unreadCount === 1, 'the message at the nurse');
    await n.open(conversation.id);
    const readers = () => {
      const s = p.getSnapshot();
      return readersOf(1, s.conversations[conversation.id]!, s.watermarks, patient.id).map((r) => r.id);
    };
    await until(() => readers().length === 1, "the nurse's read receipt at the patient");
    expect(readers()).toEqual([nurse.id]);
    // A reload: a fresh client knows only what the conversation's JSON says, and names her still.
    const reloaded = (await clientOf(patient)).getSnapshot();
    const c = reloaded.conversations[conversation.id]!;
    expect(readersOf(1, c, reloaded.watermarks, patient.id).map((r) => r.id)).toEqual([nurse.id]);

    // She types: the patient's client knows who, by name, while the header is the doctor's.
    const typists = () => {
      const s = p.getSnapshot();
      return typistsOf(s.conversations[conversation.id]!, s.typing).map((r) => r.name);
    };
    n.typing(conversation.id, true);
    await until(() => typists().length === 1, "the nurse's typing at the patient");
    expect(typists()).toEqual([nurse.name]);
    n.typing(conversation.id, false);
    await until(() => typists().length === 0, 'her typing to stop');

    n.drafts.setText(conversation.id, 'Could you send a photo?');
    await setCareTeam(t, doctor, []);
    await until(() => !n.getSnapshot().conversations[conversation.id], 'the conversation to leave her list');
    const after = n.getSnapshot();
    expect([after.openId, after.threads[conversation.id], after.watermarks[conversation.id]]).toEqual([
      null,
      undefined,
      undefined,
    ]);
    expect(n.drafts.get(conversation.id).text).toBe('');
    // The patient's view loses her from the team, and no longer names her as a reader.
    await until(() => p.getSnapshot().conversations[conversation.id]?.careTeam.length === 0, 'the team to change');
    expect(readers()).toEqual([]);
  });
});
