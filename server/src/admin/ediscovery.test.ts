import { describe, expect, it } from 'vitest';
import { auditRowsOf } from '../test/audit.js';
import { createAdmin, createAppointment, createDoctor, createPair, sendText } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';
import { until } from '../test/socket-client.js';

const t = useTestApp({ USER_SENDS_PER_MINUTE: '10000' });
const FILLER = 'x'.repeat(400);

/** The response read as it arrives: each chunk's size, and the text. */
async function download(url: string, token: string) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const chunks: number[] = [];
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(chunk.length);
    text += decoder.decode(chunk, { stream: true });
  }
  return { res, chunks, text };
}

describe('e-discovery: every conversation of one person over a date range, as one file', () => {
  it('streams the FHIR Bundles and the audit events of the range, with a reason, audited once', async () => {
    const admin = await createAdmin(t);
    const { patient, doctor, conversation: first } = await createPair(t);
    const otherDoctor = await createDoctor(t);
    await createAppointment(t, patient, otherDoctor);
    const second = (await patient.api.post('/api/chat/conversations', { participantId: otherDoctor.id })).body;
    const stranger = await createPair(t); // not the person's: never in the file
    await sendText(stranger.patient, stranger.conversation.id, 'not theirs');

    const from = new Date(Date.now() - 1000).toISOString();
    // Enough text that the file is many chunks: 300 messages of 400 characters, sent 20 at a time.
    for (let i = 0; i < 300; i += 20)
      await Promise.all(
        Array.from({ length: 20 }, (_, j) =>
          (i + j) % 2
            ? sendText(doctor, first.id, `answer ${i + j} ${FILLER}`)
            : sendText(patient, first.id, `q ${i + j} ${FILLER}`),
        ),
      );
    await sendText(otherDoctor, second.id, 'Second opinion: all clear');
    const to = new Date(Date.now() + 1).toISOString();
    // The next message is stamped by PostgreSQL's now(): wait for its clock to pass the range's end.
    await until(
      async () => (await t.db.query<{ past: boolean }>('SELECT now() > $1::timestamptz AS past', [to])).rows[0]!.past,
      'the database clock to pass the range',
    );
    await sendText(patient, first.id, 'after the range');

    const path = `/api/admin/people/${patient.id}/ediscovery?from=${from}&to=${to}`;
    expect((await admin.api.get(path)).body.error.code).toBe('VALIDATION_FAILED'); // no reason
    expect((await doctor.api.get(`${path}&reason=x`)).status).toBe(403);
    expect(
      (await admin.api.get(`/api/admin/people/nobody-here/ediscovery?from=${from}&to=${to}&reason=x`)).status,
    ).toBe(404);

    const { res, chunks, text } = await download(
      `${t.url}${path}&reason=${encodeURIComponent('Subpoena 44')}`,
      admin.token,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/fhir+json');
    expect(res.headers.get('content-length')).toBeNull(); // streamed, not sized up front
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(chunks.length).toBeGreaterThan(2);
    expect(text.length).toBeGreaterThan(150_000);

    const bundle = JSON.parse(text);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', identifier: { value: patient.id } });
    const conversations = bundle.entry.filter((e: any) => e.resource.resourceType === 'Bundle');
    expect(conversations.map((e: any) => e.resource.identifier.value)).toEqual([first.id, second.id]);
    const texts = (b: any) =>
      b.resource.entry
        .filter((e: any) => e.resource.resourceType === 'Communication')
        .map((e: any) => e.resource.payload[0].contentString);
    const firstTexts = texts(conversations[0]);
    expect(firstTexts).toHaveLength(300);
    expect(firstTexts).not.toContain('after the range');
    expect(texts(conversations[1])).toEqual(['Second opinion: all clear']);
    expect(conversations[0].resource.entry[0].resource).toMatchObject({ resourceType: 'Patient' });
    expect(text).not.toContain('not theirs');

    // The audit events of those conversations in the range: here the sends, in the FHIR form of the audit export.
    const events = bundle.entry
      .filter((e: any) => e.resource.resourceType === 'AuditEvent')
      .map((e: any) => e.resource);
    const sends = events.filter((e: any) => e.subtype[0].code === 'messages.send');
    expect(sends).toHaveLength(301);
    expect(sends.filter((e: any) => e.entity[0].what.identifier.value === second.id)).toHaveLength(1);
    expect(events.every((e: any) => e.entity?.[0].what.identifier.value !== stranger.conversation.id)).toBe(true);

    const rows = await auditRowsOf(t.db, admin.id, 'admin.ediscovery.export');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      target_id: patient.id,
      conversation_id: null,
      details: { from, to, conversations: 2, reason: 'Subpoena 44' },
    });
  });

  it('gives an empty bundle for a range with nothing in it, still audited', async () => {
    const admin = await createAdmin(t);
    const { patient, conversation } = await createPair(t);
    await sendText(patient, conversation.id, 'today');
    const q = `from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z&reason=${encodeURIComponent('Request 7')}`;
    const res = await admin.api.get(`/api/admin/people/${patient.id}/ediscovery?${q}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'Bundle', entry: [] });
    const rows = await auditRowsOf(t.db, admin.id, 'admin.ediscovery.export');
    expect(rows.map((r) => r.details.conversations)).toEqual([0]);
  });
});
