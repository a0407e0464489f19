import { describe, expect, it } from 'vitest';
import { foldText, searchTerms, snippetAround, termMatcher, termRanges } from './search.js';

const marked = (text: string, q: string) =>
  termRanges(text, searchTerms(q))
    .map(([a, b]) => text.slice(a, b))
    .join('|');

describe('search words', () => {
  it('folds case and accents, and splits a query into distinct words', () => {
    expect(foldText('Ñandú CAFÉ')).toBe('nandu cafe');
    expect(foldText('ΟΔΟΣ')).toBe(foldText('οδοσ'));
    expect(searchTerms('  Café, cafe; DOLOR!  ')).toEqual(['cafe', 'dolor']);
    expect(searchTerms(' ?! ')).toEqual([]);
  });

  it('matches when every word begins a word of the text', () => {
    const m = termMatcher(searchTerms('cafe diab'));
    expect(m('Un café con DIABETES')).toBe(true);
    expect(m('Un café')).toBe(false);
    expect(m('descafeinado y diabetes')).toBe(false); // "cafe" inside a word
    expect(termMatcher(searchTerms('in'))(' the pain')).toBe(false);
    expect(termMatcher(searchTerms('1.5'))('take 1.5 mg')).toBe(true);
    expect(termMatcher([])('anything')).toBe(false);
  });

  it('finds the ranges of the original text, accents and decomposed marks included', () => {
    expect(marked('Un Café y otro cafe', 'cafe')).toBe('Café|cafe');
    expect(marked('Cafe\u0301 noir', 'cafe')).toBe('Cafe\u0301');
    expect(marked('😀 Ñandú', 'nan')).toBe('Ñan');
    expect(marked('diabetes and diet', 'dia di')).toBe('dia|di');
    expect(marked('nothing here', 'zzz')).toBe('');
  });

  it('cuts a snippet around the first hit, on whole characters', () => {
    expect(snippetAround('short   text\nhere', ['text'])).toBe('short text here');
    const long = `${'x '.repeat(100)}fever ${'y '.repeat(100)}`;
    const s = snippetAround(long, ['fever'], 60);
    expect(s.startsWith('…') && s.endsWith('…') && s.includes('fever')).toBe(true);
    expect(s.length).toBeLessThanOrEqual(62);
    const emoji = snippetAround('😀'.repeat(100), [], 11);
    expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
