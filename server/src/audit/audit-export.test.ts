import { describe, expect, it } from 'vitest';
import { createAdmin, createPair, sendText } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';

const t = useTestApp();

describe('audit export', () => {
  it('gives a time range as linked JSON lines and as FHIR R4 AuditEvents', async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    const admin = await createAdmin(t);
    const { patient, conversation } = await createPair(t);
    await sendText(patient, conversation.id, 'hello');
    await patient.api.get(`/api/chat/conversations/${conversation.id}/messages`);
    await admin.api.get(`/api/admin/conversations/${conversation.id}/messages?reason=spot%20check`);
    const to = new Date(Date.now() + 1000).toISOString();

    const jsonl = await admin.api.get(`/api/admin/audit/export?from=${from}&to=${to}&format=jsonl`);
    expect(jsonl.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (jsonl.body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const mine = lines.filter((e) => e.conversationId === conversation.id).map((e) => [e.actorId, e.action]);
    expect(mine).toEqual([
      [patient.id, 'messages.send'],
      [patient.id, 'messages.read'],
      [admin.id, 'admin.messages.read'],
    ]);
    for (let i = 1; i < lines.length; i++)
      if (Number(lines[i].id) === Number(lines[i - 1].id) + 1) expect(lines[i].prevHash).toBe(lines[i - 1].hash);
    expect(JSON.stringify(lines)).not.toContain('hello');

    const fhir = await admin.api.get(`/api/admin/audit/export?from=${from}&to=${to}&format=fhir`);
    expect(fhir.body).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const read = fhir.body.entry
      .map((e: any) => e.resource)
      .find(
        (r: any) =>
          r.subtype[0].code === 'admin.messages.read' && r.entity?.[0]?.what.identifier.value === conversation.id,
      );
    expect(read).toMatchObject({
      resourceType: 'AuditEvent',
      type: { code: 'rest' },
      action: 'R',
      outcome: '0',
      agent: [{ who: { identifier: { value: admin.id } }, requestor: true }],
      source: { observer: { display: 'CareChat' } },
      entity: [{ description: 'spot check' }],
    });
    expect(Date.parse(read.recorded)).toBeGreaterThan(Date.parse(from));
    expect((await admin.api.get(`/api/admin/audit/export?from=nope&to=${to}`)).status).toBe(400);
  });
});
