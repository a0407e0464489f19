import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';
import { createPair, createPatient, sendText, type TestUser } from '../test/factories.js';

// Hundreds of messages from one person in a second: far past a person's budget of sends a minute.
const t = useTestApp({ USER_SENDS_PER_MINUTE: '100000' });

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const seqsOf = (page: any) => page.data.map((m: any) => m.seq as number);

/** `count` messages sent over REST in parallel batches of 25, alternating sender; resolves with their texts. */
async function fill(a: TestUser, b: TestUser, conversationId: string, count: number, tag: string): Promise<string[]> {
  const texts: string[] = [];
  for (let start = 0; start < count; start += 25) {
    const batch = range(start, Math.min(start + 25, count) - 1);
    await Promise.all(
      batch.map((n) => {
        texts.push(`${tag} ${n}`);
        return sendText(n % 2 ? b : a, conversationId, `${tag} ${n}`);
      }),
    );
  }
  return texts;
}

describe('paging a conversation’s history', () => {
  it('walks 500 messages back (before=) and forth (after=), each seq once, unshaken by sends and hides', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    const texts = await fill(patient, doctor, conversation.id, 500, 'msg');
    const path = `/api/chat/conversations/${conversation.id}/messages`;

    // The default page is the newest 50, oldest first.
    const first = await patient.api.get(path);
    expect(first.status).toBe(200);
    expect(seqsOf(first.body)).toEqual(range(451, 500));
    expect(first.body.hasMore).toBe(true);

    const backwards: number[] = [];
    const contents: string[] = [];
    let page = first.body;
    let pages = 0;
    for (;;) {
      const seqs = seqsOf(page);
      expect(seqs.length).toBeGreaterThan(0);
      expect(seqs).toEqual(range(seqs[0], seqs[0] + seqs.length - 1)); // oldest first, no gaps
      backwards.unshift(...seqs);
      contents.push(...page.data.map((m: any) => m.content));
      pages++;
      if (pages === 2) {
        // While the patient pages back: new messages arrive at the top, and the patient hides
        // one they already saw. An OFFSET-based page would shift and repeat or skip seqs.
        await sendText(doctor, conversation.id, 'arrives while paging 1');
        await sendText(patient, conversation.id, 'arrives while paging 2');
        const seen = page.data.find((m: any) => m.seq === 430);
        expect((await patient.api.delete(`/api/chat/messages/${seen.id}?scope=self`)).status).toBe(204);
      }
      if (!page.hasMore) break;
      const next = await patient.api.get(`${path}?before=${seqs[0]}`);
      expect(next.status).toBe(200);
      page = next.body;
    }
    expect(pages).toBe(10); // 500 is exactly ten pages of 50: the last page says hasMore false
    expect(backwards).toEqual(range(1, 500));
    expect(contents.sort()).toEqual([...texts].sort());
    expect((await patient.api.get(`${path}?before=1`)).body).toEqual({ data: [], hasMore: false });

    // Forwards from the start with the default limit: every seq once, the new ones included,
    // and the patient's hidden message gone from their view only.
    const forwards: number[] = [];
    let after = 0;
    for (;;) {
      const res = await patient.api.get(`${path}?after=${after}`);
      expect(res.status).toBe(200);
      const seqs = seqsOf(res.body);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(seqs.every((s: number) => s > after)).toBe(true);
      forwards.push(...seqs);
      if (!res.body.hasMore) break;
      after = seqs[seqs.length - 1];
    }
    expect(forwards).toEqual(range(1, 502).filter((s) => s !== 430));

    // The doctor hid nothing: 100 at a time they see all 502.
    const doctorForwards: number[] = [];
    after = 0;
    for (;;) {
      const res = await doctor.api.get(`${path}?after=${after}&limit=100`);
      const seqs = seqsOf(res.body);
      expect(seqs.length).toBe(res.body.hasMore ? 100 : 2);
      doctorForwards.push(...seqs);
      if (!res.body.hasMore) break;
      after = seqs[seqs.length - 1];
    }
    expect(doctorForwards).toEqual(range(1, 502));
    expect((await doctor.api.get(`${path}?after=502`)).body).toEqual({ data: [], hasMore: false });
    const newest = await doctor.api.get(`${path}?limit=100`);
    expect(seqsOf(newest.body)).toEqual(range(403, 502));
    expect(newest.body.hasMore).toBe(true);

    // Someone else cannot page it at all.
    const stranger = await createPatient(t);
    expect((await stranger.api.get(path)).status).toBe(404);
    expect((await stranger.api.get(`${path}?after=0`)).status).toBe(404);
  }, 60_000);

  it('refuses bad bounds: limit over 100 or under 1, before and after together, non-integer seqs', async () => {
    const { patient, doctor, conversation } = await createPair(t);
    await fill(patient, doctor, conversation.id, 3, 'few');
    const path = `/api/chat/conversations/${conversation.id}/messages`;
    const refused: [string, string][] = [
      ['limit=101', 'limit'],
      ['limit=0', 'limit'],
      ['limit=-5', 'limit'],
      ['limit=ten', 'limit'],
      ['before=3&after=1', 'before or after'],
      ['before=-1', 'before'],
      ['after=1.5', 'after'],
      ['before=abc', 'before'],
    ];
    for (const [query, field] of refused) {
      const res = await patient.api.get(`${path}?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('VALIDATION_FAILED');
      expect(res.body.error.message, query).toContain(field);
    }
    const max = await patient.api.get(`${path}?limit=100`);
    expect(max.status).toBe(200);
    expect(max.body).toMatchObject({ hasMore: false });
    expect(seqsOf(max.body)).toEqual([1, 2, 3]);
    const small = await patient.api.get(`${path}?limit=1&before=3`);
    expect(seqsOf(small.body)).toEqual([2]);
    expect(small.body.hasMore).toBe(true);
    const last = await patient.api.get(`${path}?limit=2&after=1`);
    expect(seqsOf(last.body)).toEqual([2, 3]);
    expect(last.body.hasMore).toBe(false);
  });
});
