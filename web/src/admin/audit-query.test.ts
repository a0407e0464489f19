import { describe, expect, it } from 'vitest';
import { auditParams, dayOf, dayRange, NO_FILTERS } from './audit-query.js';

describe('the audit log query', () => {
  it('passes only the filters set, the end day included', () => {
    const p = auditParams({
      ...NO_FILTERS,
      actorId: 'p-1',
      action: 'messages.send',
      fromDay: '2026-03-01',
      toDay: '2026-03-02',
    });
    expect(p.get('actorId')).toBe('p-1');
    expect(p.get('action')).toBe('messages.send');
    expect(p.has('conversationId')).toBe(false);
    expect(Date.parse(p.get('to')!) - Date.parse(p.get('from')!)).toBe(2 * 86_400_000);
  });

  it('gives the export a whole range when no days are chosen', () => {
    const p = auditParams(NO_FILTERS, true);
    expect(p.get('from')).toBe(new Date(0).toISOString());
    expect(Date.parse(p.get('to')!)).toBeGreaterThan(Date.now());
    expect(auditParams(NO_FILTERS).toString()).toBe('');
  });

  it('writes an instant as its local day, and days as the range that includes both', () => {
    expect(dayOf(new Date(2026, 2, 5, 23, 59).getTime())).toBe('2026-03-05');
    const { from, to } = dayRange('2026-03-05', '2026-03-05');
    expect(from).toBe(new Date(2026, 2, 5).toISOString());
    expect(Date.parse(to) - Date.parse(from)).toBe(86_400_000);
  });
});
