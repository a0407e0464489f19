import { describe, expect, it } from 'vitest';
import { auditRowsOf, refuseAuditRowsOf } from '../test/audit.js';
import { createAdmin, createPair, sendText } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';

// Hundreds of messages from one person in a second: far past a person's budget of sends a minute.
const t = useTestApp({ USER_SENDS_PER_MINUTE: '100000' });
const search = (user: { api: any }, conversationId: string, query: string) =>
  user.api.get(`/api/chat/conversations/${conversationId}/search?${query}`);

describe('search within a conversation', () => {
  it('finds words ignoring case and accents at the start of words, newest first, audited without them', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const c = conversation.id;
    const cafe = await sendText(patient, c, 'Fui al Café ayer y me dolía la cabeza');
    await sendText(doctor, c, 'The pain is worse at night'); // "in" starts no word here
    const nandu = await sendText(doctor, c, 'ÑANDÚ said: take the DIABETES test');
    const both = await sendText(patient, c, 'cafe and diabetes, both');

    const hits = async (q: string) =>
      (await search(patient, c, `q=${encodeURIComponent(q)}`)).body.data.map((h: any) => h.messageId);
    expect(await hits('cafe')).toEqual([both.id, cafe.id]);
    expect(await hits('CAFÉ')).toEqual([both.id, cafe.id]);
    expect(await hits('nandu diab')).toEqual([nandu.id]);
    expect(await hits('diabetes cafe')).toEqual([both.id]); // every word must be there
    expect(await hits('in')).toEqual([]);
    expect(await hits('dolia')).toEqual([cafe.id]);

    const res = await search(doctor, c, 'q=cabeza');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: [
        {
          messageId: cafe.id,
          seq: cafe.seq,
          senderId: patient.id,
          createdAt: cafe.createdAt,
          snippet: 'Fui al Café ayer y me dolía la cabeza',
        },
      ],
      hasMore: false,
    });
    const rows = await auditRowsOf(t.db, doctor.id, 'messages.search');
    expect(rows.map((r) => [r.conversation_id, r.details])).toEqual([[c, { count: 1, before: null }]]);
    expect(JSON.stringify(await auditRowsOf(t.db, patient.id))).not.toMatch(/cabeza|cafe|diab|nandu/i);
  });

  it('pages older hits with before, and cuts a long text around its first hit', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const c = conversation.id;
    const sent = [];
    for (let i = 0; i < 110; i++)
      sent.push(await sendText(i % 2 ? doctor : patient, c, `note ${i} ${i % 5 ? 'x' : 'fever'}`));
    const fevers = sent.filter((_, i) => i % 5 === 0).reverse(); // 22, newest first
    const seen: string[] = [];
    let before = '';
    for (let pages = 1; ; pages++) {
      const res = await search(patient, c, `q=fever&limit=10${before}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((h: any) => h.messageId));
      if (!res.body.hasMore) {
        expect(pages).toBe(3);
        break;
      }
      before = `&before=${res.body.data.at(-1).seq}`;
    }
    expect(seen).toEqual(fevers.map((m) => m.id));
    const details = (await auditRowsOf(t.db, patient.id, 'messages.search')).map((r) => r.details);
    expect(details).toEqual([
      { count: 10, before: null },
      { count: 10, before: fevers[9].seq },
      { count: 2, before: fevers[19].seq },
    ]);

    const long = `${'a'.repeat(300)} the word fever here ${'b'.repeat(300)}`;
    await sendText(patient, c, long);
    const [hit] = (await search(patient, c, 'q=fever&limit=1')).body.data;
    expect(hit.snippet).toMatch(/^…a+ the word fever here b+…$/);
    expect(hit.snippet.length).toBeLessThanOrEqual(122);
  });

  it('does not find deleted messages, hidden ones for who hid them, or the old text of an edited one', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const c = conversation.id;
    const gone = await sendText(patient, c, 'rash on the arm');
    const hidden = await sendText(doctor, c, 'rash cream twice a day');
    const edited = await sendText(patient, c, 'rash is better');
    expect((await patient.api.delete(`/api/chat/messages/${gone.id}?scope=everyone`)).status).toBe(204);
    expect((await patient.api.delete(`/api/chat/messages/${hidden.id}?scope=self`)).status).toBe(204);
    expect((await patient.api.patch(`/api/chat/messages/${edited.id}`, { content: 'itching is better' })).status).toBe(
      200,
    );
    const ids = async (user: any, q: string) =>
      (await search(user, c, `q=${q}`)).body.data.map((h: any) => h.messageId);
    expect(await ids(patient, 'rash')).toEqual([]);
    expect(await ids(doctor, 'rash')).toEqual([hidden.id]); // hidden by the patient only
    expect(await ids(patient, 'itching')).toEqual([edited.id]);
    expect(await ids(doctor, 'arm')).toEqual([]);
  });

  it('answers only participants, refuses empty queries, and fails rather than answer unaudited', async () => {
    const { patient, conversation } = await createPair(t);
    const other = await createPair(t);
    const admin = await createAdmin(t);
    await sendText(patient, conversation.id, 'private words');
    for (const who of [other.patient, other.doctor, admin]) {
      const res = await search(who, conversation.id, 'q=private');
      expect(res.status).toBe(404); // an admin reads transcripts through the audited admin routes
      expect(JSON.stringify(res.body)).not.toContain('private words');
    }
    expect((await search(patient, conversation.id, 'q=%20%21%3F')).body.error.code).toBe('VALIDATION_FAILED');
    expect((await search(patient, conversation.id, '')).body.error.code).toBe('VALIDATION_FAILED');
    expect((await search(patient, conversation.id, `q=${'a'.repeat(201)}`)).status).toBe(400);
    expect((await search(patient, conversation.id, 'q=x&limit=51')).status).toBe(400);

    const undo = await refuseAuditRowsOf(t.db, patient.id);
    try {
      const res = await search(patient, conversation.id, 'q=private');
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toContain('private');
    } finally {
      await undo();
    }
  });
});
