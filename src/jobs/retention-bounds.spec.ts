import fc from 'fast-check';
import { replayable } from '../../test/support/fast-check.js';
import { DAY_MS } from '../rules/engine/time-zone.js';
import { anniversaryFinding, inactiveFinding, mayHaveStreak, scanBounds, scanCalendar } from './retention-findings.js';

const ZONES = [
  'UTC',
  'Pacific/Kiritimati',
  'Pacific/Auckland',
  'Pacific/Pago_Pago',
  'America/Los_Angeles',
  'Asia/Kolkata',
];
const YEAR_MS = 365.25 * DAY_MS;
const utcMonthDay = (d: Date) => d.toISOString().slice(5, 10);

describe('scanBounds', () => {
  it('lets through every member the findings would reward (the database filters with them)', () => {
    const instant = (from: string, to: string) =>
      fc.date({ min: new Date(from), max: new Date(to), noInvalidDate: true });
    // Now: any time, or around the end of February, where 29 February enrolments celebrate on the 28th.
    const now = fc.oneof(
      instant('2024-01-01T00:00:00Z', '2031-12-31T00:00:00Z'),
      fc
        .tuple(fc.integer({ min: 2025, max: 2031 }), fc.integer({ min: -2 * DAY_MS, max: 3 * DAY_MS }))
        .map(([year, ms]) => new Date(Date.UTC(year, 1, 27) + ms)),
    );
    fc.assert(
      fc.property(
        now,
        fc.constantFrom(...ZONES),
        fc.integer({ min: 1, max: 3650 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: -2 * DAY_MS, max: 2 * DAY_MS }),
        fc.option(fc.integer({ min: 0, max: 400 * DAY_MS })),
        (at, zone, inactiveDays, years, shift, boughtAgo) => {
          // Enrolled some years ago, near this day (an anniversary now and then), bought since or not.
          const enrolledAt = new Date(at.getTime() - years * YEAR_MS + shift);
          const leapDay =
            years % 4 === 0 && shift > 0 ? new Date(Date.UTC(at.getUTCFullYear() - years, 1, 29, 12)) : null;
          const member = {
            id: 'm1',
            enrolledAt: leapDay ?? enrolledAt,
            lastPurchaseAt: boughtAgo === null ? null : new Date(at.getTime() - boughtAgo),
          };
          const cal = scanCalendar(at, zone);
          const bounds = scanBounds(cal, inactiveDays);
          const lastActive = member.lastPurchaseAt ?? member.enrolledAt;
          if (inactiveFinding(member, inactiveDays, cal)) {
            expect(lastActive.getTime()).toBeLessThan(bounds.activeBefore.getTime());
          }
          if (anniversaryFinding(member, cal)) {
            expect(bounds.enrolledOn).toContain(utcMonthDay(member.enrolledAt));
          }
          if (mayHaveStreak(member, cal)) {
            expect(member.lastPurchaseAt!.getTime()).toBeGreaterThanOrEqual(bounds.boughtSince.getTime());
          }
        },
      ),
      replayable({ numRuns: 2000 }),
    );
  });

  it('is tight at the inactive edge: a member active exactly inactiveDays ago is not let through needlessly far', () => {
    const cal = scanCalendar(new Date('2026-04-01T10:00:00Z'), 'UTC');
    expect(scanBounds(cal, 90).activeBefore.toISOString()).toBe('2026-01-01T10:00:00.001Z');
    expect(scanBounds(cal, 90).enrolledOn).toEqual(['03-31', '04-01', '04-02']);
    expect(scanBounds(scanCalendar(new Date('2027-02-28T12:00:00Z'), 'UTC'), 90).enrolledOn).toEqual([
      '02-27',
      '02-28',
      '03-01',
      '02-29',
    ]);
  });
});
