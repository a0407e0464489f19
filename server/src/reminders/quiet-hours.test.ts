import { describe, expect, it } from 'vitest';
import { instantOfWall, outsideQuietHours, type QuietHours } from './quiet-hours.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const night = (timeZone: string): QuietHours => ({ start: 21 * 60, end: 8 * 60, timeZone });

describe('quiet hours', () => {
  it('reads the same instant as quiet in New York and not in Kolkata', () => {
    // 02:30 UTC: 22:30 (EDT) the evening before in New York, 08:00 in Kolkata.
    const now = at('2025-06-10T02:30:00Z');
    expect(iso(outsideQuietHours(now, night('America/New_York')))).toBe('2025-06-10T12:00:00.000Z');
    expect(outsideQuietHours(now, night('Asia/Kolkata'))).toBe(now);
    // A minute earlier Kolkata is still quiet, until its 08:00.
    expect(iso(outsideQuietHours(now - 60_000, night('Asia/Kolkata')))).toBe('2025-06-10T02:30:00.000Z');
  });

  it('ends the night at 08:00 local across the spring change (New York, 9 March 2025)', () => {
    // 23:00 EST on the 8th; the night ends at 08:00 EDT, an hour less after it than on other nights.
    const now = at('2025-03-09T04:00:00Z');
    expect(iso(outsideQuietHours(now, night('America/New_York')))).toBe('2025-03-09T12:00:00.000Z');
    // The night before, still EST throughout.
    expect(iso(outsideQuietHours(now - 86_400_000, night('America/New_York')))).toBe('2025-03-08T13:00:00.000Z');
  });

  it('ends the night at 08:00 local across the autumn change (New York, 2 November 2025)', () => {
    const now = at('2025-11-02T03:00:00Z'); // 23:00 EDT on the 1st
    expect(iso(outsideQuietHours(now, night('America/New_York')))).toBe('2025-11-02T13:00:00.000Z');
  });

  it('ends quiet hours at 02:30 on the spring-change night an hour later, as that time never happens', () => {
    const quiet = { start: 0, end: 150, timeZone: 'America/New_York' };
    // 01:00 EST; 02:30 is skipped (02:00 becomes 03:00): the end moves on by the gap, to 03:30 EDT.
    expect(iso(outsideQuietHours(at('2025-03-09T06:00:00Z'), quiet))).toBe('2025-03-09T07:30:00.000Z');
  });

  it('takes the first of a wall time that happens twice (01:30 on the autumn-change night)', () => {
    expect(iso(instantOfWall(at('2025-11-02T01:30:00Z'), 'America/New_York'))).toBe('2025-11-02T05:30:00.000Z');
  });

  it('handles quiet hours within one day, half-hour zones, and none at all', () => {
    const lunch = { start: 12 * 60, end: 13 * 60 + 30, timeZone: 'Asia/Kolkata' };
    // 12:15 IST is 06:45 UTC; the end, 13:30 IST, is 08:00 UTC.
    expect(iso(outsideQuietHours(at('2025-01-15T06:45:00Z'), lunch))).toBe('2025-01-15T08:00:00.000Z');
    expect(outsideQuietHours(at('2025-01-15T08:00:00Z'), lunch)).toBe(at('2025-01-15T08:00:00Z'));
    const none = { start: 600, end: 600, timeZone: 'UTC' };
    expect(outsideQuietHours(at('2025-01-15T10:00:00Z'), none)).toBe(at('2025-01-15T10:00:00Z'));
  });
});
