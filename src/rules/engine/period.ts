import type { Period } from './rule-definition.js';
import { dayOfWeekOf, firstDayOfMonth, localDayOf, timeZone, type TimeZone } from './time-zone.js';

/**
 * Start of the limit period holding `atMs`, as UTC milliseconds: the local day, the ISO week
 * (Monday) or the month in the brand's time zone; 'lifetime' is one period starting at 0.
 * Per-member limits reset when this moves, so it must agree with what the brand's customers
 * see as "today" — hence local calendar days, DST included — and it runs per event, hence the
 * caches in `TimeZone`.
 */
export function periodStartMs(atMs: number, period: Period, zone: TimeZone): number {
  if (period === 'lifetime') {
    return 0;
  }
  const localDay = localDayOf(zone.localMs(atMs));
  switch (period) {
    case 'day':
      return zone.dayStart(localDay);
    case 'week':
      return zone.dayStart(localDay - ((dayOfWeekOf(localDay) + 6) % 7));
    case 'month':
      return zone.dayStart(firstDayOfMonth(localDay));
  }
}

/** `periodStartMs` for callers holding Dates and zone names. */
export function periodStart(at: Date, period: Period, timeZoneName: string): Date {
  return new Date(periodStartMs(at.getTime(), period, timeZone(timeZoneName)));
}
