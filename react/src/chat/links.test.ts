import { describe, expect, it } from 'vitest';
import { tokenize, type Token } from './links.js';

/** The tokens as [kind, text, href?], easier to read in an expectation. */
const read = (text: string) =>
  tokenize(text).map((t: Token) => (t.kind === 'text' ? ['text', t.text] : [t.kind, t.text, t.href]));
const linksOf = (text: string) => tokenize(text).filter((t) => t.kind !== 'text');

describe('tokenizing message text', () => {
  it('keeps plain text as one token, and joins every token back into the text', () => {
    expect(read('Take two tablets a day')).toEqual([['text', 'Take two tablets a day']]);
    const text = 'See https://a.example/x, mail me@b.example or call +1 555 123 4567. Thanks';
    expect(
      tokenize(text)
        .map((t) => t.text)
        .join(''),
    ).toBe(text);
  });

  it('links http and https URLs, leaving the sentence punctuation after them out', () => {
    expect(read('Results: https://clinic.example/r?id=7&x=1.')).toEqual([
      ['text', 'Results: '],
      ['url', 'https://clinic.example/r?id=7&x=1', 'https://clinic.example/r?id=7&x=1'],
      ['text', '.'],
    ]);
    expect(read('(see http://a.example/wiki/Foo_(bar)), ok?')).toEqual([
      ['text', '(see '],
      ['url', 'http://a.example/wiki/Foo_(bar)', 'http://a.example/wiki/Foo_(bar)'],
      ['text', '), ok?'],
    ]);
    expect(linksOf('"https://a.example/q"! and https://b.example/!').map((t) => t.text)).toEqual([
      'https://a.example/q',
      'https://b.example/',
    ]);
    expect(linksOf(`long https://a.example/${'x'.repeat(500)} end`)[0]?.text).toHaveLength(518);
  });

  it('never links other schemes, markup or addresses without a host', () => {
    for (const text of [
      'javascript:alert(1)',
      'JavaScript:alert(document.cookie)',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'vbscript:msgbox(1)',
      'ftp://files.example/x',
      '<a href="javascript:alert(1)">click</a>',
      '<img src=x onerror=alert(1)>',
      'http://',
      'https:///nohost',
    ])
      expect(read(text), text).toEqual([['text', text]]);
    // A URL inside markup is linked as the URL alone; the tags around it stay text.
    expect(read('<a href="https://x.example">x</a>')).toEqual([
      ['text', '<a href="'],
      ['url', 'https://x.example', 'https://x.example/'],
      ['text', '">x</a>'],
    ]);
    expect(linksOf('xhttps://a.example')).toEqual([]);
  });

  it('makes e-mail addresses mailto: and phone numbers tel:', () => {
    expect(read('Write to dr.lopez@clinic.example.')).toEqual([
      ['text', 'Write to '],
      ['email', 'dr.lopez@clinic.example', 'mailto:dr.lopez@clinic.example'],
      ['text', '.'],
    ]);
    expect(linksOf('Call +44 20 7946 0958 or (555) 123-4567, or 555.123.4567').map((t) => [t.text, t.href])).toEqual([
      ['+44 20 7946 0958', 'tel:+442079460958'],
      ['(555) 123-4567', 'tel:5551234567'],
      ['555.123.4567', 'tel:5551234567'],
    ]);
  });

  it('leaves doses, dates, times, decimals and codes as text', () => {
    for (const text of [
      'Take 500 mg twice',
      'On 2026-12-07 at 10:30',
      'Born 07.12.1990',
      'pi is 3.14159265',
      'Code AB1234567',
      'ref 1234567X',
      'Too long 1234567890123456789',
    ])
      expect(linksOf(text), text).toEqual([]);
  });
});
