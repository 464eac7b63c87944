import fc from 'fast-check';
import { MAX_CONDITION_DEPTH } from './condition-validation.js';
import { validateRule, type RuleValidation } from './rule-validation.js';
import { JOURNEY } from './test-support.js';
import { replayable } from '../../../test/support/fast-check.js';

const context = { stages: JOURNEY };

/** The DESIGN §3 example. */
function example(): Record<string, any> {
  return {
    name: 'Purchase points',
    stages: ['conversion', 'retention', 'loyalty'],
    event: 'purchase',
    conditions: {
      all: [
        { fact: 'event.amount', op: 'gte', value: 20 },
        { fact: 'member.tier', op: 'in', value: ['silver', 'gold'] },
      ],
    },
    reward: {
      points: { perUnit: { fact: 'event.amount', rate: 2, rounding: 'floor' } },
      token: { amount: '1.5' },
    },
    advanceStage: 'retention',
    limits: { perMember: { count: 3, points: 1000, period: 'day' }, cooldownSeconds: 60, budgetPoints: 1000000 },
    priority: 10,
    exclusive: false,
    validFrom: '2026-01-01T00:00:00Z',
    validUntil: null,
    status: 'active',
  };
}

function errorsOf(result: RuleValidation): { path: string; message: string }[] {
  if (result.ok) {
    throw new Error('expected the rule to be refused');
  }
  return result.errors;
}

/** Validates `example()` changed by `change`, and returns the refused paths. */
function refusedPaths(change: (rule: Record<string, any>) => void): string[] {
  const rule = example();
  change(rule);
  return errorsOf(validateRule(rule, context)).map((error) => error.path);
}

describe('validateRule: accepts', () => {
  it('the DESIGN example, as it is', () => {
    const result = validateRule(example(), context);
    expect(result).toEqual({ ok: true, rule: { ...example(), description: null, setStage: null, pendingDays: null } });
  });

  it('a minimal rule, filling the defaults', () => {
    const result = validateRule({ name: 'Share', event: 'share', reward: { points: { fixed: 10 } } }, context);
    expect(result).toEqual({
      ok: true,
      rule: {
        name: 'Share',
        description: null,
        stages: [],
        event: 'share',
        conditions: null,
        reward: { points: { fixed: 10 } },
        advanceStage: null,
        setStage: null,
        limits: null,
        priority: 0,
        exclusive: false,
        validFrom: null,
        validUntil: null,
        status: 'active',
        pendingDays: null,
      },
    });
  });

  it('a stage move alone, brand event types, rounding default, every op', () => {
    const result = validateRule(
      {
        name: 'x',
        event: 'app.opened_v2',
        setStage: 'awareness',
        reward: { points: { perUnit: { fact: 'event.qty', rate: 0.5 } } },
        conditions: {
          any: [
            { fact: 'event.a', op: 'eq', value: 'x' },
            { fact: 'event.a', op: 'neq', value: 1 },
            { fact: 'event.a', op: 'gt', value: 1 },
            { fact: 'event.a', op: 'gte', value: 1 },
            { fact: 'event.a', op: 'lt', value: 1 },
            { fact: 'event.a', op: 'lte', value: 1 },
            { fact: 'event.a', op: 'in', value: ['x', 1, true] },
            { fact: 'event.a', op: 'nin', value: ['x'] },
            { fact: 'event.a', op: 'contains', value: 'x' },
            { fact: 'event.a', op: 'exists' },
            { fact: 'event.a', op: 'exists', value: false },
            { fact: 'event.a', op: 'between', value: [1, 1] },
            { not: { all: [] } },
          ],
        },
        validFrom: '2026-01-01T00:00:00.123+05:30',
        validUntil: '2026-01-01T00:00Z',
        pendingDays: 0,
        limits: { perMember: { points: 0, period: 'lifetime' } },
      },
      context,
    );
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.rule.reward.points).toEqual({ perUnit: { fact: 'event.qty', rate: 0.5, rounding: 'floor' } });
    }
  });

  it('does not keep a reference to the input', () => {
    const input = example();
    const result = validateRule(input, context);
    input.conditions.all[0].value = 999;
    input.stages.push('awareness');
    expect(result.ok && result.rule.conditions).toEqual(example().conditions);
    expect(result.ok && result.rule.stages).toEqual(example().stages);
  });
});

describe('validateRule: refuses, with the JSON path', () => {
  it.each<[string, (rule: Record<string, any>) => void, string[]]>([
    // unknown keys, anywhere
    ['unknown top-level key', (r) => (r.foo = 1), ['foo']],
    ['unknown key in a leaf', (r) => (r.conditions.all[1].foo = 1), ['conditions.all[1].foo']],
    ['unknown key next to a group', (r) => (r.conditions.bar = 1), ['conditions.bar']],
    ['unknown key in perUnit', (r) => (r.reward.points.perUnit.extra = 1), ['reward.points.perUnit.extra']],
    ['unknown key in reward', (r) => (r.reward.cash = 1), ['reward.cash']],
    ['unknown key in token', (r) => (r.reward.token.chain = 'x'), ['reward.token.chain']],
    ['unknown key in limits', (r) => (r.limits.daily = 1), ['limits.daily']],
    ['unknown key in perMember', (r) => (r.limits.perMember.when = 1), ['limits.perMember.when']],
    ['a key that is not an identifier', (r) => (r['a b'] = 1), ['["a b"]']],
    // facts and ops
    ['unknown fact', (r) => (r.conditions.all[0].fact = 'member.email'), ['conditions.all[0].fact']],
    ['fact with a bad attribute name', (r) => (r.conditions.all[0].fact = 'event.1x'), ['conditions.all[0].fact']],
    ['fact that is not a string', (r) => (r.conditions.all[0].fact = 5), ['conditions.all[0].fact']],
    ['unknown perUnit fact', (r) => (r.reward.points.perUnit.fact = 'order.total'), ['reward.points.perUnit.fact']],
    ['unknown op', (r) => (r.conditions.all[0].op = 'regex'), ['conditions.all[0].op']],
    ['missing op', (r) => delete r.conditions.all[0].op, ['conditions.all[0].op']],
    // value shapes
    ['in without an array', (r) => (r.conditions.all[1].value = 'gold'), ['conditions.all[1].value']],
    [
      'nin without an array',
      (r) => (r.conditions.all[1] = { fact: 'member.tier', op: 'nin', value: 5 }),
      ['conditions.all[1].value'],
    ],
    ['in with an empty array', (r) => (r.conditions.all[1].value = []), ['conditions.all[1].value']],
    ['in with an object element', (r) => (r.conditions.all[1].value = ['gold', {}]), ['conditions.all[1].value[1]']],
    [
      'between with one number',
      (r) => (r.conditions.all[0] = { fact: 'event.amount', op: 'between', value: [1] }),
      ['conditions.all[0].value'],
    ],
    [
      'between with a string',
      (r) => (r.conditions.all[0] = { fact: 'event.amount', op: 'between', value: [1, '9'] }),
      ['conditions.all[0].value[1]'],
    ],
    [
      'between with lo > hi',
      (r) => (r.conditions.all[0] = { fact: 'event.amount', op: 'between', value: [9, 1] }),
      ['conditions.all[0].value'],
    ],
    [
      'exists with a string',
      (r) => (r.conditions.all[0] = { fact: 'event.amount', op: 'exists', value: 'yes' }),
      ['conditions.all[0].value'],
    ],
    ['gte with a numeric string', (r) => (r.conditions.all[0].value = '20'), ['conditions.all[0].value']],
    [
      'eq with an object',
      (r) => (r.conditions.all[0] = { fact: 'event.x', op: 'eq', value: { a: 1 } }),
      ['conditions.all[0].value'],
    ],
    [
      'eq with null',
      (r) => (r.conditions.all[0] = { fact: 'event.x', op: 'eq', value: null }),
      ['conditions.all[0].value'],
    ],
    ['eq without a value', (r) => (r.conditions.all[0] = { fact: 'event.x', op: 'eq' }), ['conditions.all[0].value']],
    [
      'contains with an array',
      (r) => (r.conditions.all[0] = { fact: 'event.x', op: 'contains', value: ['a'] }),
      ['conditions.all[0].value'],
    ],
    // condition structure
    ['a condition that is not an object', (r) => (r.conditions.all[0] = 'amount > 20'), ['conditions.all[0]']],
    ['all that is not an array', (r) => (r.conditions = { all: {} }), ['conditions.all']],
    ['an empty any', (r) => (r.conditions = { any: [] }), ['conditions.any']],
    ['a group mixing kinds', (r) => (r.conditions = { all: [], not: {} }), ['conditions']],
    ['a group that is also a leaf', (r) => (r.conditions = { not: {}, fact: 'event.a', op: 'exists' }), ['conditions']],
    ['an empty object', (r) => (r.conditions = {}), ['conditions']],
    // stages
    ['a stage the brand does not have', (r) => (r.stages = ['conversion', 'retention', 'vip']), ['stages[2]']],
    ['a stage listed twice', (r) => (r.stages = ['retention', 'retention']), ['stages[1]']],
    ['stages that are not an array', (r) => (r.stages = 'retention'), ['stages']],
    ['advanceStage the brand does not have', (r) => (r.advanceStage = 'vip'), ['advanceStage']],
    ['setStage the brand does not have', (r) => ((r.advanceStage = null), (r.setStage = 'vip')), ['setStage']],
    ['both advanceStage and setStage', (r) => (r.setStage = 'awareness'), ['setStage']],
    // event
    ['an upper-case event type', (r) => (r.event = 'Purchase'), ['event']],
    ['an event type with a dash', (r) => (r.event = 'order-paid'), ['event']],
    ['an event type that is too long', (r) => (r.event = `a${'b'.repeat(64)}`), ['event']],
    ['a missing event', (r) => delete r.event, ['event']],
    // rewards
    ['fractional fixed points', (r) => (r.reward.points = { fixed: 1.5 }), ['reward.points.fixed']],
    ['negative fixed points', (r) => (r.reward.points = { fixed: -1 }), ['reward.points.fixed']],
    ['fixed points as a string', (r) => (r.reward.points = { fixed: '10' }), ['reward.points.fixed']],
    ['both fixed and perUnit', (r) => (r.reward.points.fixed = 1), ['reward.points']],
    ['negative rate', (r) => (r.reward.points.perUnit.rate = -1), ['reward.points.perUnit.rate']],
    ['infinite rate', (r) => (r.reward.points.perUnit.rate = Infinity), ['reward.points.perUnit.rate']],
    ['rate as a string', (r) => (r.reward.points.perUnit.rate = '2'), ['reward.points.perUnit.rate']],
    ['unknown rounding', (r) => (r.reward.points.perUnit.rounding = 'bankers'), ['reward.points.perUnit.rounding']],
    ['token amount 0', (r) => (r.reward.token.amount = '0.000'), ['reward.token.amount']],
    ['negative token amount', (r) => (r.reward.token.amount = '-1'), ['reward.token.amount']],
    ['token amount as a number', (r) => (r.reward.token.amount = 1.5), ['reward.token.amount']],
    [
      'token amount with 19 decimals',
      (r) => (r.reward.token.amount = '1.0000000000000000001'),
      ['reward.token.amount'],
    ],
    ['token amount in exponent form', (r) => (r.reward.token.amount = '1e5'), ['reward.token.amount']],
    ['token amount with a leading zero', (r) => (r.reward.token.amount = '01.5'), ['reward.token.amount']],
    ['no reward and no stage move', (r) => ((r.reward = {}), (r.advanceStage = null)), ['reward']],
    ['no reward key and no stage move', (r) => (delete r.reward, delete r.advanceStage), ['reward']],
    ['only zero points', (r) => ((r.reward = { points: { fixed: 0 } }), (r.advanceStage = null)), ['reward']],
    // limits
    ['negative count', (r) => (r.limits.perMember.count = -1), ['limits.perMember.count']],
    ['fractional points limit', (r) => (r.limits.perMember.points = 2.5), ['limits.perMember.points']],
    ['unknown period', (r) => (r.limits.perMember.period = 'year'), ['limits.perMember.period']],
    ['missing period', (r) => delete r.limits.perMember.period, ['limits.perMember.period']],
    ['perMember without count or points', (r) => (r.limits.perMember = { period: 'day' }), ['limits.perMember']],
    ['fractional cooldown', (r) => (r.limits.cooldownSeconds = 1.5), ['limits.cooldownSeconds']],
    ['negative budget', (r) => (r.limits.budgetPoints = -1), ['limits.budgetPoints']],
    // the rest
    ['an empty name', (r) => (r.name = ''), ['name']],
    ['a blank name', (r) => (r.name = '   '), ['name']],
    ['a 201-character name', (r) => (r.name = 'x'.repeat(201)), ['name']],
    ['a missing name', (r) => delete r.name, ['name']],
    ['validFrom after validUntil', (r) => (r.validUntil = '2025-12-31T23:59:59Z'), ['validUntil']],
    ['an impossible date', (r) => (r.validFrom = '2026-02-30T00:00:00Z'), ['validFrom']],
    ['a date without a time', (r) => (r.validFrom = '2026-01-01'), ['validFrom']],
    ['a date-time without a zone', (r) => (r.validUntil = '2027-01-01T00:00:00'), ['validUntil']],
    ['hour 24', (r) => (r.validUntil = '2027-01-01T24:00:00Z'), ['validUntil']],
    ['fractional priority', (r) => (r.priority = 1.5), ['priority']],
    ['exclusive as a string', (r) => (r.exclusive = 'yes'), ['exclusive']],
    ['unknown status', (r) => (r.status = 'draft'), ['status']],
    ['negative pendingDays', (r) => (r.pendingDays = -1), ['pendingDays']],
    ['a description that is not a string', (r) => (r.description = 5), ['description']],
  ])('%s', (_label, change, paths) => {
    expect(refusedPaths(change)).toEqual(paths);
  });

  it('a 200-character name is fine, counted in characters not UTF-16 units', () => {
    expect(validateRule({ ...example(), name: 'x'.repeat(200) }, context).ok).toBe(true);
    expect(validateRule({ ...example(), name: '🎁'.repeat(200) }, context).ok).toBe(true);
    expect(validateRule({ ...example(), name: '🎁'.repeat(201) }, context).ok).toBe(false);
  });

  it('token amounts: up to 18 decimals', () => {
    for (const amount of ['1', '0.5', '1.50', '0.000000000000000001', '1000000']) {
      expect([amount, validateRule({ ...example(), reward: { token: { amount } } }, context).ok]).toEqual([
        amount,
        true,
      ]);
    }
  });

  it('reports every fault at once', () => {
    const paths = refusedPaths((r) => {
      r.event = 'BAD';
      r.priority = 'high';
      r.conditions.all[0].op = 'like';
    });
    expect(paths).toEqual(['event', 'conditions.all[0].op', 'priority']);
  });

  it('refuses input that is not an object', () => {
    for (const input of [null, undefined, 42, 'rule', [], [example()], true]) {
      expect(errorsOf(validateRule(input, context))).toEqual([{ path: '', message: 'a rule must be a JSON object' }]);
    }
  });
});

describe('validateRule: pathological conditions', () => {
  function nestedNots(depth: number): unknown {
    let condition: unknown = { fact: 'event.amount', op: 'exists' };
    for (let i = 0; i < depth; i++) {
      condition = { not: condition };
    }
    return condition;
  }

  it(`accepts ${MAX_CONDITION_DEPTH} levels and refuses one more, at the deepest path`, () => {
    expect(validateRule({ ...example(), conditions: nestedNots(MAX_CONDITION_DEPTH - 1) }, context).ok).toBe(true);
    const errors = errorsOf(validateRule({ ...example(), conditions: nestedNots(MAX_CONDITION_DEPTH) }, context));
    expect(errors).toEqual([
      { path: `conditions${'.not'.repeat(MAX_CONDITION_DEPTH)}`, message: 'conditions nest deeper than 10 levels' },
    ]);
  });

  it('refuses 100,000 levels without recursing into them (recursion that deep would overflow the stack)', () => {
    const errors = errorsOf(validateRule({ ...example(), conditions: nestedNots(100_000) }, context));
    expect(errors).toHaveLength(1);
  });

  it('accepts 200 leaves and refuses 201', () => {
    const leaves = (n: number) => Array.from({ length: n }, (_, i) => ({ fact: 'event.amount', op: 'gte', value: i }));
    expect(validateRule({ ...example(), conditions: { all: leaves(200) } }, context).ok).toBe(true);
    expect(errorsOf(validateRule({ ...example(), conditions: { all: leaves(201) } }, context))).toEqual([
      { path: 'conditions', message: 'more than 200 conditions' },
    ]);
    expect(
      errorsOf(
        validateRule(
          { ...example(), conditions: { any: [{ all: leaves(150) }, { not: { all: leaves(51) } }] } },
          context,
        ),
      ),
    ).toEqual([{ path: 'conditions', message: 'more than 200 conditions' }]);
  });

  it('refuses a million empty groups and a million bad stages with a bounded answer', () => {
    const groups = errorsOf(
      validateRule(
        { ...example(), conditions: { all: Array.from({ length: 1_000_000 }, () => ({ all: [] })) } },
        context,
      ),
    );
    const stages = errorsOf(
      validateRule({ ...example(), stages: Array.from({ length: 1_000_000 }, () => 'vip') }, context),
    );
    expect(groups[0].path).toBe('conditions');
    expect(groups.length).toBeLessThanOrEqual(50);
    expect(stages.length).toBeLessThanOrEqual(50);
  });

  it('copes with huge strings', () => {
    const huge = 'x'.repeat(5_000_000);
    const errors = errorsOf(
      validateRule(
        { ...example(), name: huge, event: huge, [huge]: 1, conditions: { fact: `event.${huge}`, op: huge } },
        context,
      ),
    );
    expect(errors.map((e) => e.path)).toEqual([
      `["${'x'.repeat(100)}…"]`,
      'name',
      'event',
      'conditions.fact',
      'conditions.op',
    ]);
    expect(JSON.stringify(errors).length).toBeLessThan(3_000);
  });
});

describe('validateRule: never throws', () => {
  const anything = fc.anything({
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withBigInt: true,
    withDate: true,
    withTypedArray: true,
    withSparseArray: true,
    withObjectString: true,
  });

  it('on anything', () => {
    fc.assert(
      fc.property(anything, (input) => {
        const result = validateRule(input, context);
        expect(typeof result.ok).toBe('boolean');
        // …and not thanks to the catch-all: that would mean a code path throws.
        if (!result.ok) {
          expect(result.errors.map((e) => e.message)).not.toContain('the rule could not be read');
        }
      }),
      replayable({ numRuns: 2_000 }),
    );
  });

  it('on the example with any field replaced by anything', () => {
    const paths: string[][] = [
      ['name'],
      ['stages'],
      ['event'],
      ['conditions'],
      ['conditions', 'all'],
      ['conditions', 'all', '0'],
      ['conditions', 'all', '0', 'value'],
      ['conditions', 'all', '1', 'fact'],
      ['reward'],
      ['reward', 'points'],
      ['reward', 'points', 'perUnit'],
      ['reward', 'token'],
      ['limits'],
      ['limits', 'perMember'],
      ['limits', 'perMember', 'period'],
      ['priority'],
      ['validFrom'],
      ['validUntil'],
      ['status'],
      ['advanceStage'],
      ['pendingDays'],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...paths), anything, (path, value) => {
        const rule = example();
        let target: any = rule;
        for (const key of path.slice(0, -1)) {
          target = target[key];
        }
        target[path[path.length - 1]] = value;
        const result = validateRule(rule, context);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          expect(result.errors.map((e) => e.message)).not.toContain('the rule could not be read');
        }
      }),
      replayable({ numRuns: 2_000 }),
    );
  });

  it('an accepted rule validates again to itself', () => {
    const first = validateRule(example(), context);
    expect(first.ok && validateRule(first.rule, context)).toEqual(first);
  });
});
