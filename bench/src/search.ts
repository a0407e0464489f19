import { openBenchDatabase } from './database.js';
import { provisionPairs } from './load/provision.js';
import { fillConversation } from './paging.js';
import { startServer } from './server.js';
import { summarize } from './stats.js';

/** Words of a clinical chat, so texts differ in length and words as real ones do. */
const WORDS = (
  'the a and to of you your I is it for with on at this that my we have was be can will please thanks ' +
  'dose tablet morning evening pain headache fever cough sleep appointment results blood pressure week ' +
  'day doctor nurse clinic pharmacy prescription refill better worse since yesterday today tomorrow ' +
  'médico análisis presión mañana dolor cabeza'
).split(' ');

/** A message text from its seq, the same on every run: 4 to 40 words, and a marked word at known seqs. */
function textOf(seq: number): string {
  // mulberry32, seeded by the seq: integer arithmetic only, so every run writes the same texts.
  let x = seq >>> 0;
  const next = () => {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  const words = Array.from({ length: 4 + (next() % 37) }, () => WORDS[next() % WORDS.length]);
  // Rare: every 1,000th message, so a search for it walks the whole conversation to find 10.
  if (seq % 1000 === 0) words.push('Ibuprofeno');
  return words.join(' ');
}

/**
 * `GET …/search` in one conversation of `messages` messages (10,000 by default): a common word
 * (its page of 20 found among the newest), a rare word (10 hits spread over the whole history,
 * so every message is read and decrypted), and a word no message holds (the same full walk,
 * answering nothing), `requests` searches each.
 */
export async function searchScenario(o: { messages: number; requests: number }) {
  const db = await openBenchDatabase();
  const server = await startServer({}, { databaseUrl: db.url });
  const [pair] = await provisionPairs(server, 1, { conversations: true });
  if (!pair) throw new Error('search: no pair was provisioned');
  const t0 = performance.now();
  await fillConversation(db.url, server, pair, o.messages, textOf);
  process.stderr.write(`  inserted ${o.messages} messages in ${Math.round(performance.now() - t0) / 1000} s\n`);

  const queries = { common: 'pain', rare: 'ibuprofeno', none: 'zzzzzz' };
  const results: Record<string, ReturnType<typeof summarize> & { hits: number }> = {};
  for (const [name, q] of Object.entries(queries)) {
    const url = `${server.url}/api/chat/conversations/${pair.conversationId}/search?q=${q}&limit=20`;
    const times: number[] = [];
    let hits = 0;
    for (let i = 0; i < o.requests + 5; i++) {
      const t = performance.now();
      const res = await fetch(url, { headers: { authorization: `Bearer ${pair.doctorToken}` } });
      const body = (await res.json()) as { data?: unknown[] };
      if (i >= 5) times.push(performance.now() - t); // the first 5 warm up
      if (!res.ok || !body.data) throw new Error(`search "${name}" failed: ${res.status}`);
      hits = body.data.length;
    }
    results[name] = { ...summarize(times), hits };
    process.stderr.write(`  ${name}: ${hits} hits, p50 ${results[name].p50} ms, p95 ${results[name].p95} ms\n`);
  }
  return { scenario: 'search', database: db.source, messages: o.messages, requests: o.requests, searchMs: results };
}
