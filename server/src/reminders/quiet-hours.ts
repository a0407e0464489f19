/**
 * Quiet hours in a person's own time zone. Every reading of a wall clock comes from Intl (the
 * zone database the runtime ships), so daylight-saving changes are whatever that database
 * says; nothing here knows an offset or a rule of its own.
 */
export interface QuietHours {
  /** Minutes after local midnight; start equal to end means no quiet hours. */
  start: number;
  end: number;
  timeZone: string;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();
function formatIn(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** The wall clock in `timeZone` at `at`, written as the UTC instant that reads the same (whole seconds). */
function wallAt(at: number, timeZone: string): number {
  const parts = formatIn(timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((x) => x.type === type)?.value);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
}

/** How far the zone's wall clock is ahead of UTC at `at`. */
const offsetAt = (at: number, timeZone: string) => wallAt(at, timeZone) - Math.floor(at / 1000) * 1000;

/**
 * The instant a wall-clock time happens in `timeZone`. Read as the offsets a day either side
 * give it (no zone moves twice within two days): a time that happens twice (clocks going back)
 * is its first, and one that never happens (clocks going forward) is moved on by the gap, as
 * Temporal's "compatible" disambiguation does.
 */
export function instantOfWall(wall: number, timeZone: string): number {
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  const fits = [wall - before, wall - after].filter((at) => wallAt(at, timeZone) === wall);
  return fits.length > 0 ? Math.min(...fits) : wall - before;
}

/** When a reminder due at `now` may go: `now`, or the end of the quiet hours it falls in. */
export function outsideQuietHours(now: number, quiet: QuietHours): number {
  if (quiet.start === quiet.end) return now;
  const wall = wallAt(now, quiet.timeZone);
  const midnight = wall - (((wall % DAY) + DAY) % DAY);
  const minute = Math.floor((wall - midnight) / MINUTE);
  const quietNow =
    quiet.start < quiet.end ? minute >= quiet.start && minute < quiet.end : minute >= quiet.start || minute < quiet.end;
  if (!quietNow) return now;
  // The end is today's, or (past midnight's wrap) tomorrow's: a calendar day on the wall clock,
  // whatever length the day has.
  let end = midnight + quiet.end * MINUTE;
  if (end <= wall) end += DAY;
  return instantOfWall(end, quiet.timeZone);
}

/** "21:00" as minutes after midnight; the input schema has checked the shape. */
export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export const hhmmOf = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
