import type { FieldError } from '../common/errors/domain-error.js';
import { DAY_MS, dayOfWeekOf, firstDayOfMonth, localDayOf, timeZone } from '../rules/engine/time-zone.js';

/** The default window: the last 30 days up to now. */
export const DEFAULT_WINDOW_DAYS = 30;
/** The widest window any analytics answer covers (a year and a day: leap years, time-zone edges). */
export const MAX_WINDOW_DAYS = 366;

export type Interval = 'day' | 'week' | 'month';

/** A half-open window [from, to) of instants. */
export interface Window {
  from: Date;
  to: Date;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The window a query names, in the brand's time zone: a date (`2026-03-01`) is that local day's
 * start for `from` and the NEXT local day's start for `to` (so `to` includes its whole day); a
 * date-time is that instant. Defaults: `to` now, `from` 30 days before `to`.
 */
export function resolveWindow(
  query: { from?: string; to?: string },
  zoneName: string,
  now: Date,
): { window: Window } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const to = query.to === undefined ? now : parseInstant(query.to, zoneName, 'to', errors);
  const from =
    query.from === undefined
      ? to && new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS)
      : parseInstant(query.from, zoneName, 'from', errors);
  if (errors.length || !from || !to) {
    return { errors };
  }
  if (from.getTime() > to.getTime()) {
    return { errors: [{ path: 'from', message: 'must not be after to' }] };
  }
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
    return { errors: [{ path: 'to', message: `must be at most ${MAX_WINDOW_DAYS} days after from` }] };
  }
  return { window: { from, to } };
}

function parseInstant(value: string, zoneName: string, path: 'from' | 'to', errors: FieldError[]): Date | null {
  const date = DATE.exec(value);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const utc = Date.UTC(y, m - 1, d);
    const check = new Date(utc);
    if (y < 1970 || y > 9999 || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
      errors.push({ path, message: 'must be a valid ISO date (2026-03-01) or date-time' });
      return null;
    }
    const localDay = Math.floor(utc / DAY_MS) + (path === 'to' ? 1 : 0);
    return new Date(timeZone(zoneName).dayStart(localDay));
  }
  // a date-time with its offset (or Z): an instant, whatever the zone
  const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)
    ? new Date(value)
    : null;
  if (!instant || Number.isNaN(instant.getTime()) || instant.getUTCFullYear() < 1970) {
    errors.push({ path, message: 'must be a valid ISO date (2026-03-01) or date-time (2026-03-01T00:00:00Z)' });
    return null;
  }
  return instant;
}

/**
 * The calendar periods (local days, Monday-first weeks, months) that overlap the window, each
 * clipped to it: the first starts at `from`, the last ends at `to`.
 */
export function periodsOf(window: Window, interval: Interval, zoneName: string): Window[] {
  const zone = timeZone(zoneName);
  const periods: Window[] = [];
  let day = startDayOf(localDayOf(zone.localMs(window.from.getTime())), interval);
  for (;;) {
    const start = zone.dayStart(day);
    if (start >= window.to.getTime() && periods.length > 0) {
      break;
    }
    const next = nextStartDay(day, interval);
    const end = zone.dayStart(next);
    periods.push({
      from: new Date(Math.max(start, window.from.getTime())),
      to: new Date(Math.min(end, window.to.getTime())),
    });
    if (end >= window.to.getTime()) {
      break;
    }
    day = next;
  }
  return periods;
}

/** The first local day of the calendar period (day, Monday-first week, month) holding `localDay`. */
export function startDayOf(localDay: number, interval: Interval): number {
  if (interval === 'day') {
    return localDay;
  }
  if (interval === 'week') {
    return localDay - ((dayOfWeekOf(localDay) + 6) % 7);
  }
  return firstDayOfMonth(localDay);
}

function nextStartDay(startDay: number, interval: Interval): number {
  if (interval === 'day') {
    return startDay + 1;
  }
  if (interval === 'week') {
    return startDay + 7;
  }
  return firstDayOfMonth(startDay + 31);
}
