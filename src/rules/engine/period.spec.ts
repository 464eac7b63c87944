import fc from 'fast-check';
import { periodStart } from './period.js';
import type { Period } from './rule-definition.js';
import { replayable } from '../../../test/support/fast-check.js';

const start = (at: string, period: Period, timeZone: string) =>
  periodStart(new Date(at), period, timeZone).toISOString();

describe('periodStart', () => {
  it('lifetime starts at the epoch', () => {
    expect(start('2026-03-10T12:00:00Z', 'lifetime', 'Europe/Amsterdam')).toBe('1970-01-01T00:00:00.000Z');
  });

  describe('Europe/Amsterdam across spring forward (2026-03-29)', () => {
    it.each<[string, Period, string]>([
      ['2026-03-29T12:00:00Z', 'day', '2026-03-28T23:00:00.000Z'], // Sunday, midnight CET
      ['2026-03-29T21:59:59Z', 'day', '2026-03-28T23:00:00.000Z'], // 23:59:59 CEST, still Sunday
      ['2026-03-29T22:00:00Z', 'day', '2026-03-29T22:00:00.000Z'], // Monday, midnight CEST
      ['2026-03-29T12:00:00Z', 'week', '2026-03-22T23:00:00.000Z'], // ISO week from Monday 23rd
      ['2026-03-29T22:30:00Z', 'week', '2026-03-29T22:00:00.000Z'], // new week on Monday
      ['2026-03-29T12:00:00Z', 'month', '2026-02-28T23:00:00.000Z'],
      ['2026-03-31T21:59:59Z', 'month', '2026-02-28T23:00:00.000Z'],
      ['2026-03-31T22:00:00Z', 'month', '2026-03-31T22:00:00.000Z'], // April, in CEST
    ])('%s %s → %s', (at, period, expected) => {
      expect(start(at, period, 'Europe/Amsterdam')).toBe(expected);
    });
  });

  describe('Europe/Amsterdam across fall back (2026-10-25, a 25-hour day)', () => {
    it.each<[string, Period, string]>([
      ['2026-10-25T00:30:00Z', 'day', '2026-10-24T22:00:00.000Z'], // 02:30 CEST
      ['2026-10-25T01:30:00Z', 'day', '2026-10-24T22:00:00.000Z'], // 02:30 CET, same day
      ['2026-10-25T22:59:59Z', 'day', '2026-10-24T22:00:00.000Z'], // 23:59:59 CET
      ['2026-10-25T23:00:00Z', 'day', '2026-10-25T23:00:00.000Z'],
      ['2026-10-25T12:00:00Z', 'week', '2026-10-18T22:00:00.000Z'],
      ['2026-10-31T12:00:00Z', 'month', '2026-09-30T22:00:00.000Z'],
      ['2026-11-01T12:00:00Z', 'month', '2026-10-31T23:00:00.000Z'],
    ])('%s %s → %s', (at, period, expected) => {
      expect(start(at, period, 'Europe/Amsterdam')).toBe(expected);
    });
  });

  describe('America/New_York across DST (2026-03-08, 2026-11-01)', () => {
    it.each<[string, Period, string]>([
      ['2026-03-08T12:00:00Z', 'day', '2026-03-08T05:00:00.000Z'], // midnight EST
      ['2026-03-09T03:59:59Z', 'day', '2026-03-08T05:00:00.000Z'], // 23:59:59 EDT
      ['2026-03-09T04:00:00Z', 'day', '2026-03-09T04:00:00.000Z'], // midnight EDT
      ['2026-03-08T12:00:00Z', 'week', '2026-03-02T05:00:00.000Z'],
      ['2026-03-09T12:00:00Z', 'week', '2026-03-09T04:00:00.000Z'],
      ['2026-03-31T12:00:00Z', 'month', '2026-03-01T05:00:00.000Z'],
      ['2026-11-01T03:59:59Z', 'month', '2026-10-01T04:00:00.000Z'], // Oct 31 23:59:59 EDT
      ['2026-11-01T04:00:00Z', 'month', '2026-11-01T04:00:00.000Z'],
      ['2026-11-30T12:00:00Z', 'month', '2026-11-01T04:00:00.000Z'], // month began in EDT
      ['2026-11-01T12:00:00Z', 'day', '2026-11-01T04:00:00.000Z'], // 25-hour day
      ['2026-11-02T04:59:59Z', 'day', '2026-11-01T04:00:00.000Z'],
      ['2026-11-02T05:00:00Z', 'day', '2026-11-02T05:00:00.000Z'],
    ])('%s %s → %s', (at, period, expected) => {
      expect(start(at, period, 'America/New_York')).toBe(expected);
    });
  });

  it('a day whose midnight does not exist starts at the transition', () => {
    expect(start('2026-09-06T12:00:00Z', 'day', 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z'); // 01:00 -03
    expect(start('2026-03-29T12:00:00Z', 'day', 'Asia/Beirut')).toBe('2026-03-28T22:00:00.000Z');
    expect(start('2026-03-08T12:00:00Z', 'day', 'America/Havana')).toBe('2026-03-08T05:00:00.000Z');
    expect(start('2026-04-05T12:00:00Z', 'day', 'America/Santiago')).toBe('2026-04-05T04:00:00.000Z'); // after fall back at 24:00
  });

  it('UTC and half-hour zones', () => {
    expect(start('2026-03-10T12:00:00Z', 'week', 'UTC')).toBe('2026-03-09T00:00:00.000Z');
    expect(start('2026-03-10T12:00:00Z', 'day', 'Asia/Kolkata')).toBe('2026-03-09T18:30:00.000Z');
    expect(start('2026-01-01T00:00:00Z', 'month', 'Asia/Kathmandu')).toBe('2025-12-31T18:15:00.000Z');
  });

  it('throws on an unknown time zone', () => {
    expect(() => periodStart(new Date(), 'day', 'Mars/Olympus')).toThrow(RangeError);
  });

  it('agrees with a brute-force search over Intl for any instant and zone', () => {
    const zones = [
      'Europe/Amsterdam',
      'America/New_York',
      'America/Santiago',
      'Asia/Beirut',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
      'Pacific/Chatham',
      'Africa/Casablanca',
      'Asia/Tehran',
      'UTC',
    ];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1975-01-01'), max: new Date('2045-01-01'), noInvalidDate: true }),
        fc.constantFrom<Period>('day', 'week', 'month'),
        fc.constantFrom(...zones),
        (at, period, timeZone) => {
          expect(periodStart(at, period, timeZone).getTime()).toBe(bruteForcePeriodStart(at, period, timeZone));
        },
      ),
      replayable({ numRuns: 400 }),
    );
  });
});

/**
 * The first instant whose local date is the period's first day, found by walking Intl output
 * in 15-minute steps and then bisecting to the second: slow and obviously right.
 */
function bruteForcePeriodStart(at: Date, period: Period, timeZone: string): number {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
  const localDay = (ms: number): number => {
    const parts = format.formatToParts(ms);
    const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
    return Math.floor(Date.UTC(get('year'), get('month') - 1, get('day')) / 86_400_000);
  };
  const day = localDay(at.getTime());
  const weekday = new Date(day * 86_400_000).getUTCDay();
  const target =
    period === 'day'
      ? day
      : period === 'week'
        ? day - ((weekday + 6) % 7)
        : Math.floor(
            Date.UTC(new Date(day * 86_400_000).getUTCFullYear(), new Date(day * 86_400_000).getUTCMonth(), 1) /
              86_400_000,
          );
  let t = target * 86_400_000 - 15 * 3_600_000;
  while (localDay(t) < target) {
    t += 15 * 60_000;
  }
  let lo = (t - 15 * 60_000) / 1000;
  let hi = t / 1000;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDay(mid * 1000) >= target) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo * 1000;
}
