/**
 * Wall-clock arithmetic in a brand's IANA time zone, built on Intl (no tz library).
 *
 * Intl formatting costs microseconds, and the event pipeline needs the local hour, weekday
 * and period starts for every event. So each zone keeps two caches:
 * - the UTC offset per UTC hour (an hour whose two ends have different offsets holds a
 *   transition and is computed exactly on every call; there are two such hours a year);
 * - the UTC instant at which each local calendar day starts.
 * Both are bounded so that a stream of far-apart dates cannot grow memory without limit.
 */

const SECOND = 1_000;
const HOUR = 3_600_000;
export const DAY_MS = 86_400_000;
const CACHE_LIMIT = 20_000;

export class TimeZone {
  private readonly format: Intl.DateTimeFormat | null;
  private readonly offsetByHour = new Map<number, number>();
  private readonly dayStartByLocalDay = new Map<number, number>();

  /** @throws RangeError for a name Intl does not know. */
  constructor(readonly name: string) {
    const fixedUtc = name === 'UTC' || name === 'Etc/UTC';
    this.format = fixedUtc
      ? null
      : new Intl.DateTimeFormat('en-US', {
          timeZone: name,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        });
  }

  /** Milliseconds to add to a UTC instant to get the local wall-clock time (as if it were UTC). */
  offsetAt(utcMs: number): number {
    if (this.format === null) {
      return 0;
    }
    const hour = Math.floor(utcMs / HOUR);
    let offset = this.offsetByHour.get(hour);
    if (offset === undefined) {
      const atStart = this.exactOffset(hour * HOUR);
      const atEnd = this.exactOffset((hour + 1) * HOUR);
      offset = atStart === atEnd ? atStart : NaN;
      if (this.offsetByHour.size >= CACHE_LIMIT) {
        this.offsetByHour.clear();
      }
      this.offsetByHour.set(hour, offset);
    }
    // NaN marks the rare hour that holds a transition: no shortcut there.
    return offset === offset ? offset : this.exactOffset(utcMs);
  }

  /** Local wall-clock time of a UTC instant, expressed as milliseconds since 1970 "local epoch". */
  localMs(utcMs: number): number {
    return utcMs + this.offsetAt(utcMs);
  }

  /**
   * The UTC instant at which a local calendar day starts (`localDay` = days since 1970-01-01).
   * Usually local midnight; where a DST gap swallows midnight (e.g. America/Santiago), the
   * first instant that exists on that day.
   */
  dayStart(localDay: number): number {
    let start = this.dayStartByLocalDay.get(localDay);
    if (start === undefined) {
      start = this.computeDayStart(localDay * DAY_MS);
      if (this.dayStartByLocalDay.size >= CACHE_LIMIT) {
        this.dayStartByLocalDay.clear();
      }
      this.dayStartByLocalDay.set(localDay, start);
    }
    return start;
  }

  private computeDayStart(localMidnight: number): number {
    const before = this.offsetAt(localMidnight - DAY_MS);
    const after = this.offsetAt(localMidnight + DAY_MS);
    const early = localMidnight - Math.max(before, after);
    const late = localMidnight - Math.min(before, after);
    // Midnight exists once or (fall-back at midnight) twice: the earliest reading starts the day.
    if (this.offsetAt(early) === localMidnight - early) {
      return early;
    }
    if (this.offsetAt(late) === localMidnight - late) {
      return late;
    }
    // Midnight falls in a gap: the day starts at the transition. Offsets and transitions are
    // whole seconds, so a binary search over seconds finds the first instant on or after it.
    let lo = Math.floor(early / SECOND);
    let hi = Math.ceil(late / SECOND);
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.localMs(mid * SECOND) >= localMidnight) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo * SECOND;
  }

  private exactOffset(utcMs: number): number {
    const wholeSecond = Math.floor(utcMs / SECOND) * SECOND;
    const parts = this.format!.formatToParts(wholeSecond);
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    for (const part of parts) {
      switch (part.type) {
        case 'year':
          year = Number(part.value);
          break;
        case 'month':
          month = Number(part.value);
          break;
        case 'day':
          day = Number(part.value);
          break;
        case 'hour':
          hour = Number(part.value);
          break;
        case 'minute':
          minute = Number(part.value);
          break;
        case 'second':
          second = Number(part.value);
          break;
        default:
          break; // literals, era, weekday…: not part of the instant
      }
    }
    const local = new Date(0);
    // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
    local.setUTCFullYear(year, month - 1, day);
    local.setUTCHours(hour, minute, second, 0);
    return local.getTime() - wholeSecond;
  }
}

const zones = new Map<string, TimeZone>();

/** One shared `TimeZone` per name, so its caches serve every rule set of that zone. */
export function timeZone(name: string): TimeZone {
  let zone = zones.get(name);
  if (zone === undefined) {
    zone = new TimeZone(name);
    zones.set(name, zone);
  }
  return zone;
}

/** Days since 1970-01-01 of a local wall-clock time. */
export function localDayOf(localMs: number): number {
  return Math.floor(localMs / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function dayOfWeekOf(localDay: number): number {
  return (((localDay + 4) % 7) + 7) % 7;
}

/** Days since 1970-01-01 of the first day of the month holding `localDay` (civil-from-days, H. Hinnant). */
export function firstDayOfMonth(localDay: number): number {
  const z = localDay + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153); // March = 0
  const dayOfMonth = dayOfYear - Math.floor((153 * monthIndex + 2) / 5); // 0-based
  return localDay - dayOfMonth;
}
