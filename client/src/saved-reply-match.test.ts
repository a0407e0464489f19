import { describe, expect, it } from 'vitest';
import { MAX_SAVED_REPLY_NAME_LENGTH } from '@carechat/protocol';
import { matchSavedReplies, slashQuery } from './saved-reply-match.js';

const replies = [
  { name: 'Appointment reminder' },
  { name: 'Blood test' },
  { name: 'Lab results' },
  { name: 'Labs normal' },
  { name: 'Resultados análisis' },
  { name: 'Travel advice' },
].map((r, i) => ({ ...r, id: String(i) }));
const names = (query: string, limit?: number) => matchSavedReplies(replies, query, limit).map((r) => r.name);

describe('the composer\'s "/" search', () => {
  it('is a search only when the draft starts with "/" and stays on one line', () => {
    expect(slashQuery('/')).toBe('');
    expect(slashQuery('/lab res')).toBe('lab res');
    expect(slashQuery('lab')).toBeNull();
    expect(slashQuery(' /lab')).toBeNull();
    expect(slashQuery('See /lab')).toBeNull();
    expect(slashQuery('/lab\nmore')).toBeNull();
    expect(slashQuery('')).toBeNull();
    expect(slashQuery(`/${'x'.repeat(MAX_SAVED_REPLY_NAME_LENGTH)}`)).toBe('x'.repeat(MAX_SAVED_REPLY_NAME_LENGTH));
    expect(slashQuery(`/${'x'.repeat(MAX_SAVED_REPLY_NAME_LENGTH + 1)}`)).toBeNull();
  });

  it('finds all for an empty query, in their order, up to the limit', () => {
    expect(names('')).toEqual(replies.map((r) => r.name));
    expect(names('', 2)).toEqual(['Appointment reminder', 'Blood test']);
  });

  it('ranks names that start with the query, then a word that does, then any that hold it', () => {
    expect(names('lab')).toEqual(['Lab results', 'Labs normal']);
    expect(names('res')).toEqual(['Resultados análisis', 'Lab results']);
    expect(names('t')).toEqual([
      'Travel advice',
      'Blood test',
      'Appointment reminder',
      'Lab results',
      'Resultados análisis',
    ]);
    expect(names('ood')).toEqual(['Blood test']);
  });

  it('ignores case, accents and runs of spaces', () => {
    expect(names('LAB   RES')).toEqual(['Lab results']);
    expect(names('analisis')).toEqual(['Resultados análisis']);
    expect(names('ANÁLISIS')).toEqual(['Resultados análisis']);
  });

  it('finds nothing when no name holds the query', () => {
    expect(names('xyz')).toEqual([]);
  });
});
