import fc from 'fast-check';
import type { StoredRule } from './compiled-rule.js';
import type { Evaluation, EvaluationInput, MemberSnapshot, RuleUsage } from './evaluation.js';
import { periodStart } from './period.js';
import { MAX_AWARD_POINTS, type Condition, type FactCondition, type Period } from './rule-definition.js';
import { validateRule } from './rule-validation.js';
import { compileRuleSet } from './rule-set.js';
import { JOURNEY } from './test-support.js';
import { replayable } from '../../../test/support/fast-check.js';

/**
 * The compiled engine against a deliberately naive interpreter: it walks the rule JSON on
 * every call (no precompilation, no caches, no indexes), reads time facts straight from Intl,
 * and does points arithmetic exactly with BigInt decimals instead of snapped floats.
 * Only the period starts come from `periodStart`, which period.spec.ts checks against a
 * brute-force search of its own.
 */

// ---------------------------------------------------------------------------------------
// The naive interpreter

type NaiveResult = Pick<Evaluation, 'points' | 'tokens' | 'stage'> & {
  usage: Map<string, RuleUsage>;
  budgetSpent: Map<string, number>;
  fired: string[];
};

function naiveEvaluate(rules: StoredRule[], input: EvaluationInput, timeZone: string): NaiveResult {
  const t = input.event.occurredAt.getTime();
  const result: NaiveResult = {
    points: [],
    tokens: [],
    stage: null,
    usage: new Map(),
    budgetSpent: new Map(),
    fired: [],
  };
  const candidates = rules
    .filter((r) => r.definition.status === 'active' && r.definition.event === input.event.type)
    .sort((a, b) => b.definition.priority - a.definition.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  for (const { id, version, definition: d } of candidates) {
    if (d.validFrom && t < Date.parse(d.validFrom)) {
      continue;
    }
    if (d.validUntil && t >= Date.parse(d.validUntil)) {
      continue;
    }
    if (d.stages.length > 0 && !d.stages.includes(input.member.stage)) {
      continue;
    }
    if (d.conditions && !naiveCondition(d.conditions, input, timeZone)) {
      continue;
    }

    const used = input.usage.get(id);
    const cooldown = d.limits?.cooldownSeconds ?? 0;
    if (cooldown > 0 && used?.lastFiredAt && t - used.lastFiredAt.getTime() < cooldown * 1000) {
      continue;
    }
    const perMember = d.limits?.perMember;
    const period: Period = perMember?.period ?? 'lifetime';
    const current = periodStart(input.event.occurredAt, period, timeZone).getTime();
    const counts = used !== undefined && used.periodStart.getTime() >= current;
    const usedCount = counts ? used.count : 0;
    const usedPoints = counts ? used.points : 0;
    if (perMember?.count !== undefined && usedCount >= perMember.count) {
      continue;
    }
    if (perMember?.points !== undefined && usedPoints >= perMember.points) {
      continue;
    }
    let budgetLeft = Infinity;
    if (d.limits?.budgetPoints != null) {
      budgetLeft = Math.floor(input.budgetRemaining.get(id) ?? d.limits.budgetPoints);
      if (budgetLeft <= 0) {
        continue;
      }
    }

    let points = 0;
    const reward = d.reward.points;
    if (reward !== undefined) {
      let base: bigint;
      if ('fixed' in reward) {
        base = BigInt(reward.fixed);
      } else {
        const units = naiveNumber(naiveFact(reward.perUnit.fact, input, timeZone));
        if (units === null) {
          continue;
        }
        const product = multiply(units, decimal(String(reward.perUnit.rate)));
        base = roundDecimal(product, reward.perUnit.rounding);
        if (base < 0n) {
          base = 0n;
        }
        if (base > BigInt(MAX_AWARD_POINTS)) {
          base = BigInt(MAX_AWARD_POINTS);
        }
      }
      let multiplied = roundDecimal(
        multiply({ digits: base, scale: 0 }, decimal(String(input.tierMultiplier))),
        'floor',
      );
      if (multiplied > BigInt(MAX_AWARD_POINTS)) {
        multiplied = BigInt(MAX_AWARD_POINTS);
      }
      points = Math.min(Number(multiplied), (perMember?.points ?? Infinity) - usedPoints, budgetLeft);
    }

    let move: NaiveResult['stage'] = null;
    if (result.stage === null) {
      const order = input.stageOrder;
      if (
        d.advanceStage &&
        order.includes(d.advanceStage) &&
        order.indexOf(d.advanceStage) > order.indexOf(input.member.stage)
      ) {
        move = { to: d.advanceStage, ruleId: id, mode: 'advance' };
      }
      if (d.setStage && order.includes(d.setStage) && d.setStage !== input.member.stage) {
        move = { to: d.setStage, ruleId: id, mode: 'set' };
      }
    }
    const token = d.reward.token?.amount;
    if (points === 0 && token === undefined && move === null) {
      continue;
    }

    result.fired.push(id);
    if (points > 0) {
      result.points.push({ ruleId: id, ruleVersion: version, points, pendingDays: d.pendingDays ?? null });
      if (d.limits?.budgetPoints != null) {
        result.budgetSpent.set(id, points);
      }
    }
    if (token !== undefined) {
      result.tokens.push({ ruleId: id, ruleVersion: version, amount: token });
    }
    if (move !== null) {
      result.stage = move;
    }
    const previousFire = used?.lastFiredAt?.getTime() ?? -Infinity;
    result.usage.set(id, {
      periodStart: new Date(counts ? used.periodStart.getTime() : current),
      count: usedCount + 1,
      points: usedPoints + points,
      lastFiredAt: new Date(Math.max(previousFire, t)),
    });
    if (d.exclusive) {
      break;
    }
  }
  return result;
}

function naiveCondition(condition: Condition, input: EvaluationInput, timeZone: string): boolean {
  if ('all' in condition) {
    return condition.all.every((c) => naiveCondition(c, input, timeZone));
  }
  if ('any' in condition) {
    return condition.any.some((c) => naiveCondition(c, input, timeZone));
  }
  if ('not' in condition) {
    return !naiveCondition(condition.not, input, timeZone);
  }
  return naiveLeaf(condition, naiveFact(condition.fact, input, timeZone));
}

function naiveLeaf({ op, value }: FactCondition, actual: unknown): boolean {
  const missing = actual === undefined || actual === null;
  if (op === 'exists') {
    return value === false ? missing : !missing;
  }
  if (missing) {
    return false;
  }
  const asNumber = (x: unknown): number => {
    const n = naiveNumber(x);
    return n === null ? NaN : Number(n.digits) / 10 ** n.scale;
  };
  const equal = (a: unknown, v: unknown) => (typeof v === 'number' ? asNumber(a) === v : a === v);
  switch (op) {
    case 'eq':
      return equal(actual, value);
    case 'neq':
      return !equal(actual, value);
    case 'gt':
      return asNumber(actual) > (value as number);
    case 'gte':
      return asNumber(actual) >= (value as number);
    case 'lt':
      return asNumber(actual) < (value as number);
    case 'lte':
      return asNumber(actual) <= (value as number);
    case 'in':
      return (value as unknown[]).some((v) => equal(actual, v));
    case 'nin':
      return !(value as unknown[]).some((v) => equal(actual, v));
    case 'contains':
      if (typeof actual === 'string') {
        return typeof value === 'string' && actual.includes(value);
      }
      return Array.isArray(actual) && actual.some((element) => equal(element, value));
    case 'between': {
      const [lo, hi] = value as [number, number];
      return asNumber(actual) >= lo && asNumber(actual) <= hi;
    }
  }
}

function naiveFact(name: string, input: EvaluationInput, timeZone: string): unknown {
  const [scope, key] = name.split('.');
  const t = input.event.occurredAt.getTime();
  if (scope === 'event') {
    return key === 'type'
      ? input.event.type
      : Object.hasOwn(input.event.attributes, key)
        ? input.event.attributes[key]
        : undefined;
  }
  if (scope === 'time') {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(t);
    if (key === 'hour') {
      return Number(parts.find((p) => p.type === 'hour')!.value);
    }
    return ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.find((p) => p.type === 'weekday')!.value);
  }
  const m = input.member;
  const days = (from: Date) => Math.max(0, Math.floor((t - from.getTime()) / 86_400_000));
  switch (key) {
    case 'enrolledDaysAgo':
      return days(m.enrolledAt);
    case 'daysSinceLastPurchase':
      return m.lastPurchaseAt === null ? null : days(m.lastPurchaseAt);
    default:
      return m[key as keyof MemberSnapshot];
  }
}

// Exact decimals: value = digits / 10^scale.
interface Decimal {
  digits: bigint;
  scale: number;
}

function naiveNumber(value: unknown): Decimal | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? decimal(String(value)) : null;
  }
  if (typeof value !== 'string' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) {
    return null;
  }
  return decimal(value);
}

function decimal(text: string): Decimal {
  const match = /^([+-]?)(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$/.exec(text)!;
  const [, sign, whole, fraction, exponent] = match;
  let digits = BigInt(
    `${sign}${whole}${fraction}` === sign ? '0' : `${sign === '-' ? '-' : ''}${whole || '0'}${fraction}`,
  );
  let scale = fraction.length - Number(exponent ?? 0);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits, scale };
}

function multiply(a: Decimal, b: Decimal): Decimal {
  return { digits: a.digits * b.digits, scale: a.scale + b.scale };
}

function roundDecimal({ digits, scale }: Decimal, rounding: 'floor' | 'round' | 'ceil'): bigint {
  const unit = 10n ** BigInt(scale);
  const floorDiv = (n: bigint, d: bigint) => (n >= 0n ? n / d : -((-n + d - 1n) / d));
  if (rounding === 'floor') {
    return floorDiv(digits, unit);
  }
  if (rounding === 'ceil') {
    return -floorDiv(-digits, unit);
  }
  return floorDiv(2n * digits + unit, 2n * unit); // half up, like Math.round
}

// ---------------------------------------------------------------------------------------
// Generators

const ZONES = ['Europe/Amsterdam', 'America/New_York', 'UTC', 'Asia/Kathmandu'];
const scalar = fc.oneof(
  fc.constantFrom('web', 'app', 'gold', 'silver', 'sale', 'conversion', '12.50', '7'),
  fc.integer({ min: -2, max: 60 }),
  fc.constantFrom(12.5, 7),
  fc.boolean(),
);
const anyFact = fc.constantFrom(
  'event.amount',
  'event.channel',
  'event.tags',
  'event.type',
  'event.flag',
  'member.stage',
  'member.tier',
  'member.purchaseCount',
  'member.enrolledDaysAgo',
  'member.daysSinceLastPurchase',
  'member.referred',
  'member.source',
  'time.hour',
  'time.dayOfWeek',
);
const numericFact = fc.constantFrom(
  'event.amount',
  'member.purchaseCount',
  'member.daysSinceLastPurchase',
  'time.hour',
  'time.dayOfWeek',
  'event.channel',
);

const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    fact: numericFact,
    op: fc.constantFrom('gt', 'gte', 'lt', 'lte' as const),
    value: fc.integer({ min: -5, max: 60 }),
  }),
  fc.record({
    fact: numericFact,
    op: fc.constant('between' as const),
    value: fc.tuple(fc.integer({ min: -5, max: 40 }), fc.integer({ min: 0, max: 30 })).map(([lo, w]) => [lo, lo + w]),
  }),
  fc.record({ fact: anyFact, op: fc.constantFrom('eq', 'neq' as const), value: scalar }),
  fc.record({
    fact: anyFact,
    op: fc.constantFrom('in', 'nin' as const),
    value: fc.array(scalar, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    fact: fc.constantFrom('event.channel', 'event.tags', 'event.amount'),
    op: fc.constant('contains' as const),
    value: scalar,
  }),
  fc
    .tuple(anyFact, fc.constantFrom(undefined, true, false))
    .map(([fact, value]): Condition => (value === undefined ? { fact, op: 'exists' } : { fact, op: 'exists', value })),
);

const { condition } = fc.letrec<{ condition: Condition; all: Condition; any: Condition; not: Condition }>((tie) => ({
  condition: fc.oneof({ maxDepth: 3 }, leaf, tie('all'), tie('any'), tie('not')),
  all: fc.record({ all: fc.array(tie('condition'), { maxLength: 3 }) }),
  any: fc.record({ any: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
  not: fc.record({ not: tie('condition') }),
}));

/** `arbitrary` one time in `1 + absentWeight`, else undefined: most rules have no window, no limits… */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, absentWeight = 3) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: absentWeight }, { arbitrary, weight: 1 });

const ruleJson = fc.record(
  {
    stages: fc.subarray(JOURNEY),
    event: fc.integer({ min: 0, max: 3 }).map((n) => (n === 0 ? 'share' : 'purchase')),
    conditions: fc.oneof({ arbitrary: fc.constant(null), weight: 1 }, { arbitrary: condition, weight: 2 }),
    points: fc.option(
      fc.oneof(
        fc.record({ fixed: fc.integer({ min: 0, max: 50 }) }),
        fc.record({
          perUnit: fc.record({
            fact: fc.constantFrom('event.amount', 'member.purchaseCount'),
            rate: fc.constantFrom(0, 0.5, 1, 1.5, 2.75, 0.1, 3),
            rounding: fc.constantFrom('floor', 'round', 'ceil' as const),
          }),
        }),
      ),
      { nil: undefined },
    ),
    token: fc.option(fc.constantFrom('1', '0.5', '2.000000000000000001'), { nil: undefined }),
    move: fc.option(fc.tuple(fc.constantFrom('advanceStage', 'setStage'), fc.constantFrom(...JOURNEY)), {
      nil: undefined,
    }),
    perMember: sometimes(
      fc.record(
        {
          count: fc.integer({ min: 0, max: 3 }),
          points: fc.integer({ min: 0, max: 120 }),
          period: fc.constantFrom('day', 'week', 'month', 'lifetime' as const),
        },
        { requiredKeys: ['period'] },
      ),
      1,
    ),
    cooldownSeconds: sometimes(fc.constantFrom(0, 60, 3600)),
    budgetPoints: sometimes(fc.integer({ min: 0, max: 200 })),
    priority: fc.integer({ min: 0, max: 3 }),
    exclusive: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    validFrom: sometimes(fc.constantFrom('2026-03-01T00:00:00Z', '2026-06-15T12:00:00+02:00')),
    validUntil: sometimes(fc.constantFrom('2026-09-01T00:00:00Z', '2027-01-01T00:00:00Z')),
    status: fc.integer({ min: 0, max: 5 }).map((n) => (n === 0 ? 'paused' : 'active')),
    pendingDays: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
  },
  { requiredKeys: ['stages', 'event', 'priority', 'exclusive', 'status'] },
);

const ruleSetArb = fc.array(ruleJson, { minLength: 1, maxLength: 8 }).map((list) =>
  list.map((json, i): StoredRule => {
    const { points, token, move, perMember, cooldownSeconds, budgetPoints, ...rest } = json;
    const reward: Record<string, unknown> = {};
    if (points !== undefined) {
      reward.points = points;
    }
    if (token !== undefined) {
      reward.token = { amount: token };
    }
    const input: Record<string, unknown> = { name: `rule ${i}`, ...rest, reward };
    if (move !== undefined) {
      input[move[0]] = move[1];
    }
    if (perMember !== undefined && (perMember.count !== undefined || perMember.points !== undefined)) {
      input.limits = { perMember, cooldownSeconds: cooldownSeconds ?? null, budgetPoints: budgetPoints ?? null };
    } else if (cooldownSeconds !== undefined || budgetPoints !== undefined) {
      input.limits = { cooldownSeconds, budgetPoints };
    }
    if (points === undefined && token === undefined && move === undefined) {
      reward.token = { amount: '1' };
    }
    if (
      typeof rest.validFrom === 'string' &&
      typeof rest.validUntil === 'string' &&
      Date.parse(rest.validFrom) > Date.parse(rest.validUntil)
    ) {
      delete input.validUntil;
    }
    const validated = validateRule(input, { stages: JOURNEY });
    if (!validated.ok) {
      // Rules that give nothing (fixed 0, rate 0, no token, no move) are refused: give them a token.
      if (validated.errors.every((e) => e.path === 'reward')) {
        const again = validateRule({ ...input, reward: { ...reward, token: { amount: '1' } } }, { stages: JOURNEY });
        if (again.ok) {
          return { id: `r${i}`, version: i + 1, definition: again.rule };
        }
      }
      throw new Error(`generator made an invalid rule: ${JSON.stringify(validated.errors)}`);
    }
    // ids do not follow priority, so ties between equal priorities are broken by id for real
    return { id: `r${(i * 7) % 11}`, version: i + 1, definition: validated.rule };
  }),
);

const YEAR_2026 = { min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') };
const DAY = 86_400_000;

const scenario = fc.record({
  rules: ruleSetArb,
  timeZone: fc.constantFrom(...ZONES),
  occurredMs: fc.integer(YEAR_2026),
  type: fc.integer({ min: 0, max: 9 }).map((n) => (n === 0 ? 'refund' : n < 3 ? 'share' : 'purchase')),
  attributes: fc.record(
    {
      amount: fc.oneof(
        fc.integer({ min: -1000, max: 1_000_000 }).map((c) => c / 100),
        fc.integer({ min: -1000, max: 1_000_000 }).map((c) => (c / 100).toFixed(2)),
        fc.constantFrom('n/a', '', '1e2', ' 5', '0x10', null, '0.29', '1.005'),
      ),
      channel: fc.constantFrom('web', 'app', 'store', '7'),
      tags: fc.array(fc.constantFrom<unknown>('sale', 'new', 'gold', 7, '12.50'), { maxLength: 3 }),
      flag: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  member: fc.record({
    stage: fc.constantFrom(...JOURNEY, 'legacy'),
    tier: fc.constantFrom(null, 'silver', 'gold'),
    enrolledDaysBefore: fc.integer({ min: -2, max: 400 }),
    purchaseCount: fc.integer({ min: 0, max: 5 }),
    lastPurchaseDaysBefore: fc.option(fc.integer({ min: -1, max: 90 }), { nil: null }),
    referred: fc.boolean(),
    source: fc.constantFrom('api', 'campaign:7'),
  }),
  tierMultiplier: fc.constantFrom(1, 0, 1.1, 1.25, 1.5, 2),
  usage: fc.array(
    fc.record({
      rule: fc.nat(10),
      when: fc.constantFrom('current', 'previous', 'next', 'epoch'),
      count: fc.integer({ min: 0, max: 4 }),
      points: fc.integer({ min: 0, max: 130 }),
      lastFiredSecondsBefore: fc.option(
        fc.oneof(fc.integer({ min: -100, max: 7200 }), fc.constantFrom(59, 60, 3599, 3600)),
        { nil: null },
      ),
    }),
    { maxLength: 6 },
  ),
  budgets: fc.array(fc.tuple(fc.nat(10), fc.integer({ min: -5, max: 250 })), { maxLength: 4 }),
  stageOrder: fc.integer({ min: 0, max: 3 }).map((n) => (n === 0 ? JOURNEY.slice(1) : JOURNEY)),
  explain: fc.boolean(),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function toInput(s: Scenario): EvaluationInput {
  const occurredAt = new Date(s.occurredMs);
  const usage = new Map<string, RuleUsage>();
  for (const u of s.usage) {
    const stored = s.rules.find((r) => r.id === `r${u.rule}`);
    if (stored === undefined) {
      continue;
    }
    const current = periodStart(
      occurredAt,
      stored.definition.limits?.perMember?.period ?? 'lifetime',
      s.timeZone,
    ).getTime();
    const at = { current, previous: current - DAY, next: current + 40 * DAY, epoch: 0 }[u.when];
    usage.set(stored.id, {
      periodStart: new Date(at),
      count: u.count,
      points: u.points,
      lastFiredAt: u.lastFiredSecondsBefore === null ? null : new Date(s.occurredMs - u.lastFiredSecondsBefore * 1000),
    });
  }
  return {
    event: { type: s.type, occurredAt, attributes: s.attributes as Record<string, unknown> },
    member: {
      stage: s.member.stage,
      tier: s.member.tier,
      enrolledAt: new Date(s.occurredMs - s.member.enrolledDaysBefore * DAY - 3_600_000),
      purchaseCount: s.member.purchaseCount,
      referralCount: 0,
      lifetimePoints: 0,
      lastPurchaseAt:
        s.member.lastPurchaseDaysBefore === null
          ? null
          : new Date(s.occurredMs - s.member.lastPurchaseDaysBefore * DAY - 60_000),
      source: s.member.source,
      referred: s.member.referred,
    },
    stageOrder: s.stageOrder,
    tierMultiplier: s.tierMultiplier,
    usage,
    budgetRemaining: new Map(s.budgets.map(([rule, left]) => [`r${rule}`, left])),
    explain: s.explain,
  };
}

const plainUsage = (usage: Map<string, RuleUsage>) =>
  [...usage]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, u]) => [id, u.periodStart.getTime(), u.count, u.points, u.lastFiredAt?.getTime() ?? null]);

// ---------------------------------------------------------------------------------------

describe('compileRuleSet agrees with a naive interpreter', () => {
  it('on points, tokens, stage, usage, budget spent and which rules fired', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const unique = new Map(s.rules.map((r) => [r.id, r]));
        const rules = [...unique.values()];
        const input = toInput({ ...s, rules });
        const actual = compileRuleSet(rules, { timeZone: s.timeZone }).evaluate(input);
        const expected = naiveEvaluate(rules, input, s.timeZone);
        expect(actual.points).toEqual(expected.points);
        expect(actual.tokens).toEqual(expected.tokens);
        expect(actual.stage).toEqual(expected.stage);
        expect(plainUsage(actual.usage)).toEqual(plainUsage(expected.usage));
        expect(actual.budgetSpent).toEqual(expected.budgetSpent);
        expect(actual.trace.filter((t) => t.fired).map((t) => t.ruleId)).toEqual(expected.fired);
        if (s.explain) {
          expect(actual.trace).toHaveLength(rules.length);
        }
      }),
      replayable({ numRuns: 3_000 }),
    );
  });

  it('fires at least sometimes (the generators are not vacuous)', () => {
    let fired = 0;
    let capped = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const rules = [...new Map(s.rules.map((r) => [r.id, r])).values()];
        const evaluation = compileRuleSet(rules, { timeZone: s.timeZone }).evaluate({
          ...toInput({ ...s, rules }),
          explain: true,
        });
        fired += evaluation.trace.filter((t) => t.fired).length;
        capped += evaluation.trace.filter((t) => t.reason.includes('capped')).length;
      }),
      replayable({ numRuns: 1000 }),
    );
    // About 500 and 30 on average.
    expect(fired).toBeGreaterThan(200);
    expect(capped).toBeGreaterThan(8);
  });
});

// Exercised here so a change to the naive helpers cannot silently weaken them.
describe('the naive interpreter', () => {
  it('does exact decimal arithmetic', () => {
    expect(roundDecimal(multiply(decimal('0.29'), decimal('100')), 'floor')).toBe(29n);
    expect(roundDecimal(multiply(decimal('1.005'), decimal('100')), 'round')).toBe(101n);
    expect(roundDecimal(decimal('-2.5'), 'round')).toBe(-2n);
    expect(roundDecimal(decimal('-2.5'), 'floor')).toBe(-3n);
    expect(roundDecimal(decimal('-2.5'), 'ceil')).toBe(-2n);
    expect(decimal('1e2')).toEqual({ digits: 100n, scale: 0 });
    expect(naiveNumber('.5')).toEqual({ digits: 5n, scale: 1 });
    expect(naiveNumber('0x10')).toBeNull();
  });
});
