import type { EventInput, MemberSnapshot } from './evaluation.js';
import { DAY_MS, dayOfWeekOf, localDayOf, timeZone, type TimeZone } from './time-zone.js';

/**
 * The facts a rule condition can read (DESIGN §3): `event.<attribute>` (and `event.type`),
 * `member.*` and `time.*`. Built once per event; conditions read them through `factReader`
 * closures made at compile time, never by parsing a fact name per event.
 *
 * A value of `null` or `undefined` means the fact is missing (e.g. a member with no tier, or
 * no purchase yet for `daysSinceLastPurchase`).
 */
export interface Facts {
  readonly event: { readonly type: string; readonly attributes: Readonly<Record<string, unknown>> };
  readonly member: MemberFacts;
  readonly time: TimeFacts;
}

export interface MemberFacts {
  readonly stage: string;
  readonly tier: string | null;
  readonly enrolledDaysAgo: number;
  readonly purchaseCount: number;
  readonly referralCount: number;
  readonly lifetimePoints: number;
  readonly daysSinceLastPurchase: number | null;
  readonly source: string;
  readonly referred: boolean;
}

export interface TimeFacts {
  /** 0 = Sunday … 6 = Saturday, in the brand's time zone. */
  readonly dayOfWeek: number;
  /** 0–23, in the brand's time zone. */
  readonly hour: number;
}

export const MEMBER_FACTS = [
  'stage',
  'tier',
  'enrolledDaysAgo',
  'purchaseCount',
  'referralCount',
  'lifetimePoints',
  'daysSinceLastPurchase',
  'source',
  'referred',
] as const satisfies readonly (keyof MemberFacts)[];

export const TIME_FACTS = ['dayOfWeek', 'hour'] as const satisfies readonly (keyof TimeFacts)[];

/** An event attribute name a rule may refer to. */
export const EVENT_ATTRIBUTE_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

const memberFactNames: ReadonlySet<string> = new Set(MEMBER_FACTS);
const timeFactNames: ReadonlySet<string> = new Set(TIME_FACTS);

export function isKnownFact(name: string): boolean {
  if (name.startsWith('event.')) {
    return EVENT_ATTRIBUTE_PATTERN.test(name.slice(6));
  }
  if (name.startsWith('member.')) {
    return memberFactNames.has(name.slice(7));
  }
  if (name.startsWith('time.')) {
    return timeFactNames.has(name.slice(5));
  }
  return false;
}

export type FactReader = (facts: Facts) => unknown;

const inheritedNames: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

const readEventType: FactReader = (facts) => facts.event.type;

/**
 * A closure that reads one fact. Attributes are read as own properties only, so a rule on
 * `event.constructor` sees a missing fact rather than Object.prototype.constructor.
 * `event.type` is the event's type, even when the attributes carry a `type` of their own.
 *
 * @throws Error for a fact name `isKnownFact` refuses (definitions are validated before this).
 */
export function factReader(name: string): FactReader {
  if (!isKnownFact(name)) {
    throw new Error(`unknown fact ${JSON.stringify(name)}`);
  }
  const dot = name.indexOf('.');
  const scope = name.slice(0, dot);
  const key = name.slice(dot + 1);
  if (scope === 'event') {
    if (key === 'type') {
      return readEventType;
    }
    if (inheritedNames.has(key)) {
      return (facts) => {
        const attributes = facts.event.attributes;
        return Object.hasOwn(attributes, key) ? attributes[key] : undefined;
      };
    }
    // Attributes are JSON objects: a name Object.prototype does not have can only be their own.
    return (facts) => facts.event.attributes[key];
  }
  if (scope === 'member') {
    return memberReaders[key as keyof MemberFacts];
  }
  return timeReaders[key as keyof TimeFacts];
}

// One closure per fact with a named property load each: a shared `facts.member[field]`
// would be a megamorphic keyed load on the hot path.
const memberReaders: Record<keyof MemberFacts, FactReader> = {
  stage: (facts) => facts.member.stage,
  tier: (facts) => facts.member.tier,
  enrolledDaysAgo: (facts) => facts.member.enrolledDaysAgo,
  purchaseCount: (facts) => facts.member.purchaseCount,
  referralCount: (facts) => facts.member.referralCount,
  lifetimePoints: (facts) => facts.member.lifetimePoints,
  daysSinceLastPurchase: (facts) => facts.member.daysSinceLastPurchase,
  source: (facts) => facts.member.source,
  referred: (facts) => facts.member.referred,
};

const timeReaders: Record<keyof TimeFacts, FactReader> = {
  dayOfWeek: (facts) => facts.time.dayOfWeek,
  hour: (facts) => facts.time.hour,
};

/** Uncompiled fact lookup, for explanations and tests. */
export function readFact(facts: Facts, name: string): unknown {
  return isKnownFact(name) ? factReader(name)(facts) : undefined;
}

export interface FactsInput {
  event: EventInput;
  member: MemberSnapshot;
  /** IANA name or a shared `TimeZone` (which carries the caches). */
  timeZone: string | TimeZone;
}

/**
 * Day counts are whole 24-hour periods between the two instants (not calendar days), floored,
 * and never negative: an event sent with an `occurredAt` before enrolment reads 0, not -1.
 */
function wholeDaysBetween(fromMs: number, toMs: number): number {
  return Math.max(0, Math.floor((toMs - fromMs) / DAY_MS));
}

export function buildFacts(input: FactsInput): Facts {
  const zone = typeof input.timeZone === 'string' ? timeZone(input.timeZone) : input.timeZone;
  const { event, member } = input;
  const occurredMs = event.occurredAt.getTime();
  const localMs = zone.localMs(occurredMs);
  const localDay = localDayOf(localMs);
  return {
    event: { type: event.type, attributes: event.attributes },
    member: {
      stage: member.stage,
      tier: member.tier,
      enrolledDaysAgo: wholeDaysBetween(member.enrolledAt.getTime(), occurredMs),
      purchaseCount: member.purchaseCount,
      referralCount: member.referralCount,
      lifetimePoints: member.lifetimePoints,
      daysSinceLastPurchase:
        member.lastPurchaseAt === null ? null : wholeDaysBetween(member.lastPurchaseAt.getTime(), occurredMs),
      source: member.source,
      referred: member.referred,
    },
    time: {
      dayOfWeek: dayOfWeekOf(localDay),
      hour: Math.floor((localMs - localDay * DAY_MS) / 3_600_000),
    },
  };
}
