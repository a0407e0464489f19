import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { es } from './es.js';
import { resolveStrings } from './strings.js';

describe('the string catalogues', () => {
  it('Spanish has exactly the English keys, each of the same kind (text or function of the same arity)', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      const [a, b] = [en[key], es[key]];
      expect(typeof b, key).toBe(typeof a);
      if (typeof a === 'function' && typeof b === 'function') expect(b.length, key).toBe(a.length);
      // An untranslated entry is a string copied over by mistake (the arrows and the ellipsis aside).
      if (typeof a === 'string' && a.length > 3) expect(b, key).not.toBe(a);
    }
  });

  it('a host replaces any string over the chosen language and keeps the rest', () => {
    const strings = resolveStrings('es', { send: 'Mandar', unread: (n) => `${n} nuevos` });
    expect([strings.send, strings.unread(3), strings.archive]).toEqual(['Mandar', '3 nuevos', 'Archivar']);
    expect(resolveStrings().send).toBe('Send');
  });
});
