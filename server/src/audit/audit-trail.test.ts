import { describe, expect, it } from 'vitest';
import { createAdmin, createPair, createPatient, sendText } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';

const t = useTestApp();
const SECRET = 'Secret: the lump is growing';

describe('the audit trail: every event in one place, never content', () => {
  it('lists sends, edits, deletes and reactions with names beside ids, and no text', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const c = conversation.id;
    const sent = await sendText(patient, c, SECRET);
    const kept = await sendText(doctor, c, `${SECRET} (reply)`);
    expect((await patient.api.patch(`/api/chat/messages/${sent.id}`, { content: `${SECRET}, edited` })).status).toBe(
      200,
    );
    expect((await doctor.api.put(`/api/chat/messages/${kept.id}/reactions/${encodeURIComponent('👍')}`)).status).toBe(
      200,
    );
    expect((await patient.api.delete(`/api/chat/messages/${sent.id}?scope=everyone`)).status).toBe(204);

    expect((await doctor.api.get(`/api/chat/conversations/${c}/messages`)).status).toBe(200);
    const admin = await createAdmin(t);
    const res = await admin.api.get(`/api/admin/audit?conversationId=${c}`);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toMatch(/lump|Secret/);
    const messageEvents = res.body.data
      .filter((e: any) => e.action.startsWith('messages.') && e.messageId)
      .map((e: any) => [e.action, e.actorName, e.messageId, e.chained]);
    // Newest first, by time.
    expect(messageEvents).toEqual([
      ['messages.delete', patient.name, sent.id, false],
      ['messages.react', doctor.name, kept.id, false],
      ['messages.edit', patient.name, sent.id, false],
      ['messages.send', doctor.name, kept.id, false],
      ['messages.send', patient.name, sent.id, false],
    ]);
    const send = res.body.data.find((e: any) => e.action === 'messages.send');
    expect(send).toMatchObject({ conversationName: `${patient.name} · ${doctor.name}`, actorRole: 'DOCTOR' });
    // The doctor's read is a chained audit row are chained audit rows in the same list.
    expect(res.body.data.some((e: any) => e.action === 'messages.read' && e.chained)).toBe(true);

    // Filters: person, action; and "nothing" is an empty page.
    const mine = await admin.api.get(`/api/admin/audit?conversationId=${c}&actorId=${doctor.id}&action=messages.send`);
    expect(mine.body.data.map((e: any) => e.messageId)).toEqual([kept.id]);
    const none = await admin.api.get(`/api/admin/audit?conversationId=${c}&action=admin.conversation.shred`);
    expect(none.body).toEqual({ data: [], nextCursor: null });
  });

  it('pages by time without gaps or repeats, and exports the filtered range as JSON lines and FHIR', async () => {
    const { patient, conversation } = await createPair(t);
    const c = conversation.id;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await sendText(patient, c, `${SECRET} ${i}`)).id);
    const admin = await createAdmin(t);
    const seen: string[] = [];
    let cursor = '';
    for (let pages = 0; pages < 10; pages++) {
      const res = await admin.api.get(
        `/api/admin/audit?conversationId=${c}&action=messages.send&limit=2${cursor && `&cursor=${cursor}`}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((e: any) => e.messageId));
      if (!res.body.nextCursor) break;
      cursor = encodeURIComponent(res.body.nextCursor);
    }
    expect(seen).toEqual([...ids].reverse());
    expect((await admin.api.get('/api/admin/audit?cursor=123')).status).toBe(400);

    const hour = 3_600_000;
    const range = `from=${new Date(Date.now() - hour).toISOString()}&to=${new Date(Date.now() + hour).toISOString()}`;
    const lines = await admin.api.get(`/api/admin/audit/export?${range}&conversationId=${c}&action=messages.send`);
    expect(lines.status).toBe(200);
    const events = String(lines.body)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.messageId)).toEqual(ids); // oldest first
    expect(events[0]).toMatchObject({ action: 'messages.send', chained: false, hash: null, actorName: patient.name });
    const fhir = await admin.api.get(`/api/admin/audit/export?${range}&format=fhir&actorId=${patient.id}`);
    const resources = fhir.body.entry.map((e: any) => e.resource);
    expect(resources.filter((r: any) => r.subtype[0].code === 'messages.send').map((r: any) => r.action)).toEqual([
      'C',
      'C',
      'C',
      'C',
      'C',
    ]);
    for (const r of resources) expect(r.id).toMatch(/^[A-Za-z0-9.-]{1,64}$/);
    expect(JSON.stringify(fhir.body) + JSON.stringify(events)).not.toMatch(/lump|Secret/);
    // The export names its filters on its own audit row.
    const trail = await admin.api.get(`/api/admin/audit?actorId=${admin.id}&action=admin.audit.export`);
    expect(trail.body.data[0].details).toMatchObject({ format: 'fhir', reason: 'no reason given' });
    expect(trail.body.data[0].targetId).toBe(patient.id);
  });

  it('shows a session that ended by idle time, and finds people by name for the person filter', async () => {
    const patient = await createPatient(t, `Idle Ivy ${crypto.randomUUID().slice(0, 6)}`);
    expect((await patient.api.get('/api/auth/me')).status).toBe(200);
    // The database's clock stamps sessions: move this one's last activity back past the idle time (15 minutes).
    await t.db.query("UPDATE sessions SET last_active_at = now() - interval '20 minutes' WHERE user_id = $1", [
      patient.id,
    ]);
    const admin = await createAdmin(t);
    const found = await admin.api.get(`/api/admin/people?q=${encodeURIComponent(patient.name.slice(5))}`);
    expect(found.body.data.map((p: any) => [p.id, p.name])).toEqual([[patient.id, patient.name]]);
    const res = await admin.api.get(`/api/admin/audit?actorId=${found.body.data[0].id}&action=auth.session.expired`);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({ actorName: patient.name, details: { reason: 'idle' }, chained: false });
  });

  it('shows a reaction taken back (who, which message, when) and keeps the addition it undid', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const c = conversation.id;
    const m = await sendText(patient, c, SECRET);
    const gone = await sendText(patient, c, `${SECRET} (deleted)`);
    const heart = `/api/chat/messages/${m.id}/reactions/${encodeURIComponent('❤️')}`;
    for (const method of ['PUT', 'DELETE', 'PUT', 'DELETE'] as const)
      expect((await doctor.api.request(method, heart)).status).toBe(200);
    // A reaction removed with its message is the delete's event, not a removal by the person who reacted.
    await doctor.api.put(`/api/chat/messages/${gone.id}/reactions/${encodeURIComponent('👍')}`);
    expect((await patient.api.delete(`/api/chat/messages/${gone.id}?scope=everyone`)).status).toBe(204);

    const admin = await createAdmin(t);
    const res = await admin.api.get(`/api/admin/audit?conversationId=${c}&actorId=${doctor.id}`);
    const reactions = res.body.data
      .filter((e: any) => e.action.endsWith('react'))
      .map((e: any) => [e.action, e.messageId, e.actorName, e.chained]);
    expect(reactions).toEqual([
      ['messages.react', gone.id, doctor.name, false],
      ['messages.unreact', m.id, doctor.name, false],
      ['messages.react', m.id, doctor.name, false],
      ['messages.unreact', m.id, doctor.name, false],
      ['messages.react', m.id, doctor.name, false],
    ]);
    const times = res.body.data.filter((e: any) => e.action.endsWith('react')).map((e: any) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(res.body.data.map((e: any) => e.id)).size).toBe(res.body.data.length);
    expect(JSON.stringify(res.body)).not.toMatch(/❤️|👍|lump/);
    const removals = await admin.api.get(`/api/admin/audit?action=messages.unreact&conversationId=${c}`);
    expect(removals.body.data).toHaveLength(2);
    // The FHIR export calls a removal a delete.
    const hour = 3_600_000;
    const range = `from=${new Date(Date.now() - hour).toISOString()}&to=${new Date(Date.now() + hour).toISOString()}`;
    const fhir = await admin.api.get(`/api/admin/audit/export?${range}&format=fhir&conversationId=${c}`);
    const codes = fhir.body.entry.map((e: any) => [e.resource.subtype[0].code, e.resource.action]);
    expect(codes).toContainEqual(['messages.unreact', 'D']);
  });

  it('is for admins only', async () => {
    const { patient } = await createPair(t);
    expect((await patient.api.get('/api/admin/audit')).status).toBe(403);
    expect((await patient.api.get('/api/admin/people?q=a')).status).toBe(403);
  });
});
