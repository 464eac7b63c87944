import { DAY_MS, firstDayOfMonth, localDayOf, type TimeZone, timeZone } from '../rules/engine/time-zone.js';

/**
 * Who the retention scan rewards, and under which idempotency key (DESIGN §6). Pure: dates in,
 * findings out, in the brand's time zone. The keys name the spell, year or month a finding
 * belongs to, so a scan run twice, or by two instances at once, pays each finding once.
 */
export type RetentionReason = 'inactive' | 'anniversary' | 'streak';

/** Purchases in each of this many consecutive calendar months (this one included) make a streak. */
export const STREAK_MONTHS = 3;

export interface RetentionMember {
  id: string;
  enrolledAt: Date;
  lastPurchaseAt: Date | null;
}

export interface RetentionFinding {
  memberId: string;
  reason: RetentionReason;
  idempotencyKey: string;
}

/** The brand's calendar at the instant of a scan, worked out once per brand. */
export interface ScanCalendar {
  now: Date;
  zone: TimeZone;
  /** The local calendar day now, as days since 1970-01-01. */
  today: number;
  /**
   * UTC instants at which the last STREAK_MONTHS local months start, oldest first, and then
   * the start of next month: month i of the streak is [monthBounds[i], monthBounds[i + 1]).
   */
  monthBounds: Date[];
}

export function scanCalendar(now: Date, timeZoneName: string): ScanCalendar {
  const zone = timeZone(timeZoneName);
  const today = localDayOf(zone.localMs(now.getTime()));
  const firstDays = [firstDayOfMonth(today)];
  while (firstDays.length < STREAK_MONTHS) {
    firstDays.unshift(firstDayOfMonth(firstDays[0] - 1));
  }
  firstDays.push(firstDayOfMonth(firstDays[firstDays.length - 1] + 31));
  return { now, zone, today, monthBounds: firstDays.map((day) => new Date(zone.dayStart(day))) };
}

/**
 * Inactive: the last purchase (or the enrolment, before any) more than `inactiveDays` ago. The
 * key carries the local day the member became inactive, which only a new purchase moves: one
 * spell of inactivity pays once, however often the scan runs during it.
 */
export function inactiveFinding(
  member: RetentionMember,
  inactiveDays: number,
  cal: ScanCalendar,
): RetentionFinding | null {
  const lastActive = member.lastPurchaseAt ?? member.enrolledAt;
  const inactiveFrom = lastActive.getTime() + inactiveDays * DAY_MS;
  if (cal.now.getTime() <= inactiveFrom) {
    return null;
  }
  const day = isoDate(localDayOf(cal.zone.localMs(inactiveFrom)));
  return { memberId: member.id, reason: 'inactive', idempotencyKey: `retention:inactive:${member.id}:${day}` };
}

/** The local calendar day of the enrolment, in a later year; 29 February falls on the 28th in other years. */
export function anniversaryFinding(member: RetentionMember, cal: ScanCalendar): RetentionFinding | null {
  const enrolled = civil(localDayOf(cal.zone.localMs(member.enrolledAt.getTime())));
  const today = civil(cal.today);
  if (today.year <= enrolled.year || today.month !== enrolled.month) {
    return null;
  }
  const day = enrolled.month === 2 && enrolled.day === 29 && !isLeapYear(today.year) ? 28 : enrolled.day;
  if (today.day !== day) {
    return null;
  }
  return {
    memberId: member.id,
    reason: 'anniversary',
    idempotencyKey: `retention:anniversary:${member.id}:${today.year}`,
  };
}

/** Only a member who bought this month can have a streak: the others need no purchase history read. */
export function mayHaveStreak(member: RetentionMember, cal: ScanCalendar): boolean {
  return (
    member.lastPurchaseAt !== null && member.lastPurchaseAt.getTime() >= cal.monthBounds[STREAK_MONTHS - 1].getTime()
  );
}

/**
 * A purchase in each of the last STREAK_MONTHS months. `monthsBought` holds the indexes (0 =
 * oldest) of the months of `cal.monthBounds` with a purchase. Keyed by this month: a streak
 * that goes on pays again next month.
 */
export function streakFinding(
  member: RetentionMember,
  monthsBought: ReadonlySet<number>,
  cal: ScanCalendar,
): RetentionFinding | null {
  for (let month = 0; month < STREAK_MONTHS; month++) {
    if (!monthsBought.has(month)) {
      return null;
    }
  }
  const thisMonth = isoDate(cal.today).slice(0, 7);
  return { memberId: member.id, reason: 'streak', idempotencyKey: `retention:streak:${member.id}:${thisMonth}` };
}

/**
 * Which members a scan must look at, as plain bounds the database can test (a superset of
 * those with a finding; the functions above decide exactly). Member instants come back
 * truncated to the millisecond, so each bound has a millisecond to spare.
 */
export interface ScanBounds {
  /** Last activity before this: maybe inactive. */
  activeBefore: Date;
  /** The UTC month-days ('MM-DD') an enrolment on today's local day can fall on: maybe an anniversary. */
  enrolledOn: string[];
  /** A purchase at or after this: maybe a streak. */
  boughtSince: Date;
}

export function scanBounds(cal: ScanCalendar, inactiveDays: number): ScanBounds {
  // A local day spans UTC days from the day before to the day after (offsets are within ±14 h).
  const days = new Set([cal.today - 1, cal.today, cal.today + 1].map((d) => isoDate(d).slice(5)));
  // Around the end of February the year of enrolment may have had a 29th that this one lacks
  // (a 29 February enrolment also celebrates on the 28th): the whole turn of the month.
  if (['02-28', '02-29', '03-01'].some((d) => days.has(d))) {
    ['02-28', '02-29', '03-01'].forEach((d) => days.add(d));
  }
  return {
    activeBefore: new Date(cal.now.getTime() - inactiveDays * DAY_MS + 1),
    enrolledOn: [...days],
    boughtSince: new Date(cal.monthBounds[STREAK_MONTHS - 1].getTime() - 1),
  };
}

/** YYYY-MM-DD of a local day number. */
function isoDate(localDay: number): string {
  return new Date(localDay * DAY_MS).toISOString().slice(0, 10);
}

function civil(localDay: number): { year: number; month: number; day: number } {
  const d = new Date(localDay * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
