import { describe, expect, it } from 'vitest';
import { clientId, createPair } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';
import { clearOfMinuteTurn, type TestSocket } from '../test/socket-client.js';

const t = useTestApp({ USER_SENDS_PER_MINUTE: '5' });

describe('messages one person may send a minute', () => {
  it('count every device and both transports together, refuse the rest as RATE_LIMITED, spare others', async () => {
    await clearOfMinuteTurn();
    const { patient, doctor, conversation } = await createPair(t);
    const phone = await t.connect(patient.token);
    const laptop = await t.connect(patient.token);
    const doc = await t.connect(doctor.token);
    const bySocket = (s: TestSocket) =>
      s.emitAck('chat:message', { conversationId: conversation.id, clientMessageId: clientId(), content: 'hello' });
    const byHttp = () =>
      patient.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
        clientMessageId: clientId(),
        content: 'hello',
      });

    expect((await Promise.all([bySocket(phone), bySocket(laptop), bySocket(phone)])).map((a) => a.ok)).toEqual([
      true,
      true,
      true,
    ]);
    expect((await Promise.all([byHttp(), byHttp()])).map((r) => r.status)).toEqual([201, 201]);
    const refused = await bySocket(laptop);
    expect(refused).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    const refusedHttp = await byHttp();
    expect(refusedHttp.status).toBe(429);
    expect(refusedHttp.body.error.code).toBe('RATE_LIMITED');
    // The doctor's own budget is untouched.
    expect((await bySocket(doc)).ok).toBe(true);
    const stored = await t.db.query(
      `SELECT sender_id, count(*)::int AS n FROM messages WHERE conversation_id = $1 GROUP BY sender_id`,
      [conversation.id],
    );
    expect(Object.fromEntries(stored.rows.map((r) => [r.sender_id, r.n]))).toEqual({ [patient.id]: 5, [doctor.id]: 1 });
  });
});
