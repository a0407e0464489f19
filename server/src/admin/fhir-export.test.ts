import { describe, expect, it } from 'vitest';
import { clientId, createAdmin, createPair, sendText } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';

const t = useTestApp();

describe('FHIR record export', () => {
  it('gives an R4 Bundle of Communications whose references all resolve inside it, audited', async () => {
    const admin = await createAdmin(t);
    const { patient, doctor, conversation } = await createPair(t);
    const q = await sendText(patient, conversation.id, 'Can I take ibuprofen?');
    const a = await doctor.api.post(`/api/chat/conversations/${conversation.id}/messages`, {
      clientMessageId: clientId(),
      content: 'Yes, with food.',
      replyToId: q.id,
    });
    const gone = await sendText(patient, conversation.id, 'sent by mistake');
    await patient.api.delete(`/api/chat/messages/${gone.id}?scope=everyone`);

    const res = await admin.api.get(
      `/api/admin/conversations/${conversation.id}/export?reason=${encodeURIComponent('record request')}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/fhir+json');
    const bundle = res.body;
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const urls = new Set(bundle.entry.map((e: any) => e.fullUrl));
    expect(urls.size).toBe(bundle.entry.length);
    const refs: string[] = [];
    JSON.stringify(bundle, (key, value) => (key === 'reference' && refs.push(value), value));
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) expect(urls.has(r)).toBe(true);

    const byType = (type: string) =>
      bundle.entry.filter((e: any) => e.resource.resourceType === type).map((e: any) => e.resource);
    expect(byType('Patient')[0].identifier[0].value).toBe(patient.id);
    expect(byType('Practitioner')[0].identifier[0].value).toBe(doctor.id);
    const comms = byType('Communication');
    expect(comms).toHaveLength(3);
    for (const c of comms) {
      expect(['completed', 'entered-in-error']).toContain(c.status); // required, from the R4 value set
      expect(c.sent).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(c.sender.reference).toMatch(/^urn:uuid:/);
      expect(c.recipient).toHaveLength(1);
    }
    const [first, second, third] = comms;
    expect(first.payload).toEqual([{ contentString: 'Can I take ibuprofen?' }]);
    expect(second.payload).toEqual([{ contentString: 'Yes, with food.' }]);
    expect(second.inResponseTo[0].reference).toBe(`urn:uuid:${q.id}`);
    expect(second.id).toBe(a.body.id);
    expect(third).toMatchObject({ status: 'entered-in-error' });
    expect(third.payload).toBeUndefined();

    const audit = await admin.api.get(
      `/api/admin/audit?action=admin.conversation.export&conversationId=${conversation.id}`,
    );
    expect(audit.body.data).toHaveLength(1);
    expect((await patient.api.get(`/api/admin/conversations/${conversation.id}/export`)).status).toBe(403);
  });
});
