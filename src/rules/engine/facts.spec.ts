import fc from 'fast-check';
import { buildFacts, factReader, isKnownFact, readFact } from './facts.js';
import { aMember, factsOf } from './test-support.js';
import { replayable } from '../../../test/support/fast-check.js';

describe('buildFacts: event.*', () => {
  it('reads attributes and the event type', () => {
    const facts = factsOf({ amount: '59.90', channel: 'web', type: 'spoofed' }, { type: 'purchase' });
    expect(readFact(facts, 'event.amount')).toBe('59.90');
    expect(readFact(facts, 'event.channel')).toBe('web');
    expect(readFact(facts, 'event.type')).toBe('purchase'); // the type, not an attribute called type
    expect(readFact(facts, 'event.orderId')).toBeUndefined();
  });
  it('never reads Object.prototype', () => {
    const facts = factsOf({});
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(readFact(facts, `event.${name}`)).toBeUndefined();
    }
    expect(readFact(factsOf({ valueOf: 3 }), 'event.valueOf')).toBe(3);
  });
});

describe('buildFacts: member.*', () => {
  const occurredAt = '2026-03-10T12:00:00Z';
  const facts = factsOf(
    {},
    {
      occurredAt,
      member: {
        stage: 'retention',
        tier: 'gold',
        enrolledAt: new Date('2026-03-01T12:00:01Z'), // 8 days 23:59:59 before: 8 whole days
        purchaseCount: 4,
        referralCount: 2,
        lifetimePoints: 1234,
        lastPurchaseAt: new Date('2026-03-09T12:00:00Z'),
        source: 'campaign:42',
        referred: true,
      },
    },
  );
  it.each([
    ['member.stage', 'retention'],
    ['member.tier', 'gold'],
    ['member.enrolledDaysAgo', 8],
    ['member.purchaseCount', 4],
    ['member.referralCount', 2],
    ['member.lifetimePoints', 1234],
    ['member.daysSinceLastPurchase', 1],
    ['member.source', 'campaign:42'],
    ['member.referred', true],
  ])('%s = %p', (fact, value) => {
    expect(readFact(facts, fact)).toBe(value);
  });

  it('no purchase yet: daysSinceLastPurchase is missing; no tier: tier is missing', () => {
    const none = factsOf({}, { member: { lastPurchaseAt: null, tier: null } });
    expect(readFact(none, 'member.daysSinceLastPurchase')).toBeNull();
    expect(readFact(none, 'member.tier')).toBeNull();
  });

  it('day counts never go negative (event dated before enrolment)', () => {
    const early = factsOf(
      {},
      { occurredAt: '2025-12-31T00:00:00Z', member: { enrolledAt: new Date('2026-01-01T00:00:00Z') } },
    );
    expect(readFact(early, 'member.enrolledDaysAgo')).toBe(0);
  });
});

describe('buildFacts: time.* in the brand time zone', () => {
  const at = (occurredAt: string, timeZone: string) => {
    const facts = factsOf({}, { occurredAt, timeZone });
    return [readFact(facts, 'time.dayOfWeek'), readFact(facts, 'time.hour')];
  };
  it('follows the zone, across the date line', () => {
    expect(at('2026-03-10T12:00:00Z', 'UTC')).toEqual([2, 12]); // Tuesday
    expect(at('2026-03-10T12:00:00Z', 'Pacific/Auckland')).toEqual([3, 1]); // Wed 01:00 NZDT
    expect(at('2026-03-10T03:00:00Z', 'America/Los_Angeles')).toEqual([1, 20]); // Mon 20:00 PDT
    expect(at('2026-03-10T12:00:00Z', 'Asia/Kolkata')).toEqual([2, 17]); // 17:30
    expect(at('2026-03-10T12:00:00Z', 'Asia/Kathmandu')).toEqual([2, 17]); // 17:45
  });
  it('jumps over the spring-forward hour (Amsterdam, New York)', () => {
    expect(at('2026-03-29T00:59:59Z', 'Europe/Amsterdam')).toEqual([0, 1]); // 01:59:59 CET
    expect(at('2026-03-29T01:00:00Z', 'Europe/Amsterdam')).toEqual([0, 3]); // 03:00 CEST
    expect(at('2026-03-08T06:30:00Z', 'America/New_York')).toEqual([0, 1]);
    expect(at('2026-03-08T07:30:00Z', 'America/New_York')).toEqual([0, 3]);
  });
  it('repeats the fall-back hour', () => {
    expect(at('2026-10-25T00:30:00Z', 'Europe/Amsterdam')).toEqual([0, 2]); // 02:30 CEST
    expect(at('2026-10-25T01:30:00Z', 'Europe/Amsterdam')).toEqual([0, 2]); // 02:30 CET
    expect(at('2026-10-25T02:00:00Z', 'Europe/Amsterdam')).toEqual([0, 3]);
  });
  it('agrees with Intl for any instant and zone', () => {
    const zones = [
      'Europe/Amsterdam',
      'America/New_York',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
      'America/Santiago',
      'Pacific/Chatham',
      'UTC',
    ];
    const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1980-01-01'), max: new Date('2045-01-01'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (date, timeZone) => {
          const parts = new Intl.DateTimeFormat('en-US', {
            timeZone,
            weekday: 'short',
            hour: 'numeric',
            hourCycle: 'h23',
          }).formatToParts(date);
          const expected = [
            weekdays.indexOf(parts.find((p) => p.type === 'weekday')!.value),
            Number(parts.find((p) => p.type === 'hour')!.value),
          ];
          const facts = buildFacts({
            event: { type: 'x', occurredAt: date, attributes: {} },
            member: aMember(),
            timeZone,
          });
          expect([facts.time.dayOfWeek, facts.time.hour]).toEqual(expected);
        },
      ),
      replayable({ numRuns: 500 }),
    );
  });
});

describe('fact names', () => {
  it.each([
    'event.amount',
    'event.type',
    'event.a_1',
    'member.stage',
    'member.referred',
    'time.hour',
    'time.dayOfWeek',
  ])('knows %s', (name) => {
    expect(isKnownFact(name)).toBe(true);
  });
  it.each([
    'amount',
    'event.',
    'event.1a',
    'event.a-b',
    'event.a.b',
    'event._x',
    `event.${'a'.repeat(65)}`,
    'member.email',
    'member.constructor',
    'time.minute',
    'time.',
    'foo.bar',
    '',
  ])('refuses %p', (name) => {
    expect(isKnownFact(name)).toBe(false);
    expect(() => factReader(name)).toThrow('unknown fact');
  });
});
