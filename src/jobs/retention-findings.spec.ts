import {
  anniversaryFinding,
  inactiveFinding,
  mayHaveStreak,
  scanCalendar,
  streakFinding,
} from './retention-findings.js';

const at = (iso: string) => new Date(iso);
const member = (enrolledAt: string, lastPurchaseAt: string | null = null) => ({
  id: 'm1',
  enrolledAt: at(enrolledAt),
  lastPurchaseAt: lastPurchaseAt ? at(lastPurchaseAt) : null,
});

describe('inactive', () => {
  const ann = member('2025-01-01T10:00:00Z', '2026-01-01T10:00:00Z');

  it('is more than inactiveDays since the last purchase, not exactly that', () => {
    expect(inactiveFinding(ann, 90, scanCalendar(at('2026-04-01T10:00:00Z'), 'UTC'))).toBeNull(); // 90 days to the millisecond
    expect(inactiveFinding(ann, 90, scanCalendar(at('2026-04-01T10:00:01Z'), 'UTC'))).toEqual({
      memberId: 'm1',
      reason: 'inactive',
      idempotencyKey: 'retention:inactive:m1:2026-04-01',
    });
  });

  it('keys the spell by the day it began, so every later scan of the spell makes the same key', () => {
    const keys = ['2026-04-02T00:00:00Z', '2026-05-17T13:00:00Z', '2027-01-01T00:00:00Z'].map(
      (now) => inactiveFinding(ann, 90, scanCalendar(at(now), 'UTC'))?.idempotencyKey,
    );
    expect(new Set(keys)).toEqual(new Set(['retention:inactive:m1:2026-04-01']));
  });

  it('starts a new spell after a new purchase', () => {
    const later = { ...ann, lastPurchaseAt: at('2026-06-01T10:00:00Z') };
    expect(inactiveFinding(later, 90, scanCalendar(at('2026-10-01T00:00:00Z'), 'UTC'))?.idempotencyKey).toBe(
      'retention:inactive:m1:2026-08-30',
    );
  });

  it('counts from the enrolment when the member never bought', () => {
    const bob = member('2026-01-01T10:00:00Z');
    expect(inactiveFinding(bob, 30, scanCalendar(at('2026-01-20T00:00:00Z'), 'UTC'))).toBeNull();
    expect(inactiveFinding(bob, 30, scanCalendar(at('2026-02-01T00:00:00Z'), 'UTC'))?.idempotencyKey).toBe(
      'retention:inactive:m1:2026-01-31',
    );
  });

  it("names the day in the brand's time zone", () => {
    const late = member('2025-01-01T00:00:00Z', '2026-01-01T23:30:00Z'); // 2 January in Amsterdam
    const now = at('2026-05-01T00:00:00Z');
    expect(inactiveFinding(late, 90, scanCalendar(now, 'UTC'))?.idempotencyKey).toBe(
      'retention:inactive:m1:2026-04-01',
    );
    expect(inactiveFinding(late, 90, scanCalendar(now, 'Europe/Amsterdam'))?.idempotencyKey).toBe(
      'retention:inactive:m1:2026-04-02',
    );
  });
});

describe('anniversary', () => {
  const ann = member('2024-03-15T12:00:00Z');

  it("is the enrolment's calendar day in a later year, keyed by that year", () => {
    expect(anniversaryFinding(ann, scanCalendar(at('2026-03-15T00:00:00Z'), 'UTC'))).toEqual({
      memberId: 'm1',
      reason: 'anniversary',
      idempotencyKey: 'retention:anniversary:m1:2026',
    });
    expect(anniversaryFinding(ann, scanCalendar(at('2026-03-15T23:59:59Z'), 'UTC'))?.idempotencyKey).toBe(
      'retention:anniversary:m1:2026',
    );
    expect(anniversaryFinding(ann, scanCalendar(at('2026-03-14T23:59:59Z'), 'UTC'))).toBeNull();
    expect(anniversaryFinding(ann, scanCalendar(at('2026-03-16T00:00:00Z'), 'UTC'))).toBeNull();
  });

  it('is not the enrolment day itself', () => {
    expect(anniversaryFinding(ann, scanCalendar(at('2024-03-15T18:00:00Z'), 'UTC'))).toBeNull();
  });

  it("follows the brand's time zone for both days", () => {
    const late = member('2025-06-30T23:30:00Z'); // 1 July in Amsterdam
    expect(anniversaryFinding(late, scanCalendar(at('2026-07-01T10:00:00Z'), 'Europe/Amsterdam'))?.idempotencyKey).toBe(
      'retention:anniversary:m1:2026',
    );
    expect(anniversaryFinding(late, scanCalendar(at('2026-07-01T10:00:00Z'), 'UTC'))).toBeNull();
    expect(anniversaryFinding(late, scanCalendar(at('2026-06-30T10:00:00Z'), 'UTC'))?.idempotencyKey).toBe(
      'retention:anniversary:m1:2026',
    );
    // 30 June 23:30 UTC is already 1 July in Amsterdam: the anniversary there
    expect(anniversaryFinding(late, scanCalendar(at('2026-06-30T23:30:00Z'), 'Europe/Amsterdam'))?.idempotencyKey).toBe(
      'retention:anniversary:m1:2026',
    );
  });

  it('keeps 29 February on the 28th in other years', () => {
    const leap = member('2024-02-29T12:00:00Z');
    expect(anniversaryFinding(leap, scanCalendar(at('2025-02-28T12:00:00Z'), 'UTC'))?.idempotencyKey).toBe(
      'retention:anniversary:m1:2025',
    );
    expect(anniversaryFinding(leap, scanCalendar(at('2025-03-01T12:00:00Z'), 'UTC'))).toBeNull();
    expect(anniversaryFinding(leap, scanCalendar(at('2028-02-28T12:00:00Z'), 'UTC'))).toBeNull();
    expect(anniversaryFinding(leap, scanCalendar(at('2028-02-29T12:00:00Z'), 'UTC'))?.idempotencyKey).toBe(
      'retention:anniversary:m1:2028',
    );
  });
});

describe('streak', () => {
  it('looks at this month and the two before, from local month starts', () => {
    const cal = scanCalendar(at('2026-03-10T12:00:00Z'), 'UTC');
    expect(cal.monthBounds.map((d) => d.toISOString())).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
    ]);
    const amsterdam = scanCalendar(at('2026-01-05T12:00:00Z'), 'Europe/Amsterdam');
    expect(amsterdam.monthBounds.map((d) => d.toISOString())).toEqual([
      '2025-10-31T23:00:00.000Z',
      '2025-11-30T23:00:00.000Z',
      '2025-12-31T23:00:00.000Z',
      '2026-01-31T23:00:00.000Z',
    ]);
  });

  it('needs a purchase in each of the three months; keyed by this month', () => {
    const cal = scanCalendar(at('2026-03-10T12:00:00Z'), 'UTC');
    const ann = member('2025-01-01T00:00:00Z', '2026-03-02T00:00:00Z');
    expect(streakFinding(ann, new Set([0, 1, 2]), cal)).toEqual({
      memberId: 'm1',
      reason: 'streak',
      idempotencyKey: 'retention:streak:m1:2026-03',
    });
    expect(streakFinding(ann, new Set([0, 2]), cal)).toBeNull();
    expect(streakFinding(ann, new Set([1, 2]), cal)).toBeNull();
    expect(streakFinding(ann, new Set(), cal)).toBeNull();
  });

  it('reads purchase history only for members who bought this month', () => {
    const cal = scanCalendar(at('2026-03-10T12:00:00Z'), 'UTC');
    expect(mayHaveStreak(member('2025-01-01T00:00:00Z', '2026-03-01T00:00:00Z'), cal)).toBe(true);
    expect(mayHaveStreak(member('2025-01-01T00:00:00Z', '2026-02-28T23:59:59Z'), cal)).toBe(false);
    expect(mayHaveStreak(member('2025-01-01T00:00:00Z'), cal)).toBe(false);
  });

  it('crosses a year end', () => {
    const cal = scanCalendar(at('2026-01-15T00:00:00Z'), 'UTC');
    expect(cal.monthBounds[0].toISOString()).toBe('2025-11-01T00:00:00.000Z');
    expect(
      streakFinding(member('2025-01-01T00:00:00Z', '2026-01-02T00:00:00Z'), new Set([0, 1, 2]), cal)?.idempotencyKey,
    ).toBe('retention:streak:m1:2026-01');
  });
});
