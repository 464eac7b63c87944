import type { RuleUsage } from './evaluation.js';
import type { RuleDefinition } from './rule-definition.js';
import { validateRule } from './rule-validation.js';
import { compileRuleSet } from './rule-set.js';
import { aMember, anInput, JOURNEY } from './test-support.js';

/** A stored rule built through validateRule, so every rule here is one a brand could save. */
function rule(id: string, fields: Record<string, unknown> = {}, version = 1) {
  const result = validateRule(
    { name: `rule ${id}`, event: 'purchase', reward: { points: { fixed: 10 } }, ...fields },
    { stages: JOURNEY },
  );
  if (!result.ok) {
    throw new Error(`invalid test rule ${id}: ${JSON.stringify(result.errors)}`);
  }
  return { id, version, definition: result.rule };
}

const ruleSet = (...rules: ReturnType<typeof rule>[]) => compileRuleSet(rules, { timeZone: 'Europe/Amsterdam' });
const firedIds = (evaluation: { trace: { ruleId: string; fired: boolean }[] }) =>
  evaluation.trace.filter((t) => t.fired).map((t) => t.ruleId);
const usage = (fields: {
  periodStart: string;
  count?: number;
  points?: number;
  lastFiredAt?: string | null;
}): RuleUsage => ({
  count: 0,
  points: 0,
  ...fields,
  periodStart: new Date(fields.periodStart),
  lastFiredAt: fields.lastFiredAt ? new Date(fields.lastFiredAt) : null,
});

// 2026-03-10T12:00:00Z is Tuesday 13:00 in Amsterdam; the local day began at 2026-03-09T23:00Z.
const TODAY = '2026-03-09T23:00:00.000Z';

describe('compileRuleSet: which rules apply', () => {
  it('only active rules of the event type', () => {
    const set = ruleSet(
      rule('a'),
      rule('b', { event: 'share' }),
      rule('c', { status: 'paused' }),
      rule('d', { status: 'archived' }),
    );
    expect(set.size).toBe(2);
    const evaluation = set.evaluate(anInput());
    expect(evaluation.points).toEqual([{ ruleId: 'a', ruleVersion: 1, points: 10, pendingDays: null }]);
    expect(evaluation.trace).toEqual([
      { ruleId: 'a', ruleVersion: 1, name: 'rule a', fired: true, reason: 'fired', points: 10 },
    ]);
    expect(firedIds(set.evaluate(anInput({ type: 'share' })))).toEqual(['b']);
    expect(set.evaluate(anInput({ type: 'refund' }))).toEqual({
      points: [],
      tokens: [],
      stage: null,
      usage: new Map(),
      budgetSpent: new Map(),
      trace: [],
    });
  });

  it('in priority order, high first, then by id', () => {
    const set = ruleSet(
      rule('b', { priority: 5 }),
      rule('c', { priority: 10 }),
      rule('a', { priority: 5 }),
      rule('z', { priority: -1 }),
    );
    expect(firedIds(set.evaluate(anInput()))).toEqual(['c', 'a', 'b', 'z']);
    expect(set.evaluate(anInput()).points.map((p) => p.ruleId)).toEqual(['c', 'a', 'b', 'z']);
  });

  it('an exclusive rule that fires stops the rest; one that does not fire stops nothing', () => {
    const set = ruleSet(
      rule('first', { priority: 30, exclusive: true, conditions: { fact: 'event.amount', op: 'gt', value: 1000 } }),
      rule('second', { priority: 20, exclusive: true }),
      rule('third', { priority: 10 }),
    );
    expect(firedIds(set.evaluate(anInput()))).toEqual(['second']);
    const explained = set.evaluate(anInput({ explain: true }));
    expect(explained.trace.map((t) => [t.ruleId, t.fired, t.reason.split(':')[0]])).toEqual([
      ['first', false, 'condition failed'],
      ['second', true, 'fired'],
      ['third', false, 'stopped by exclusive rule second'],
    ]);
  });

  it('within [validFrom, validUntil)', () => {
    const set = ruleSet(rule('r', { validFrom: '2026-03-10T12:00:00Z', validUntil: '2026-03-11T00:00:00+01:00' }));
    expect(firedIds(set.evaluate(anInput({ at: '2026-03-10T11:59:59.999Z' })))).toEqual([]);
    expect(firedIds(set.evaluate(anInput({ at: '2026-03-10T12:00:00Z' })))).toEqual(['r']);
    expect(firedIds(set.evaluate(anInput({ at: '2026-03-10T22:59:59.999Z' })))).toEqual(['r']);
    expect(firedIds(set.evaluate(anInput({ at: '2026-03-10T23:00:00Z' })))).toEqual([]);
    expect(set.evaluate(anInput({ at: '2026-03-11T00:00:00Z', explain: true })).trace[0].reason).toBe(
      'no longer valid (validUntil 2026-03-11T00:00:00+01:00)',
    );
  });

  it('in the rule stages only (empty = every stage)', () => {
    const set = ruleSet(rule('scoped', { stages: ['retention', 'loyalty'] }), rule('everywhere'));
    expect(firedIds(set.evaluate(anInput({ member: aMember({ stage: 'conversion' }) })))).toEqual(['everywhere']);
    expect(firedIds(set.evaluate(anInput({ member: aMember({ stage: 'loyalty' }) })))).toEqual([
      'everywhere',
      'scoped',
    ]);
    expect(set.evaluate(anInput({ member: aMember({ stage: 'awareness' }), explain: true })).trace[1].reason).toBe(
      'member stage "awareness" is not one of retention, loyalty',
    );
  });

  it('when the conditions hold, over event, member and time facts in the brand zone', () => {
    const happyHour = rule('happy', {
      conditions: {
        all: [
          { fact: 'event.amount', op: 'gte', value: 50 },
          { fact: 'member.tier', op: 'in', value: ['silver', 'gold'] },
          { fact: 'time.hour', op: 'between', value: [17, 18] },
          { fact: 'time.dayOfWeek', op: 'eq', value: 2 },
        ],
      },
    });
    const set = ruleSet(happyHour);
    expect(firedIds(set.evaluate(anInput({ at: '2026-03-10T16:30:00Z' })))).toEqual(['happy']); // Tue 17:30 CET
    expect(firedIds(set.evaluate(anInput({ at: '2026-03-10T18:30:00Z' })))).toEqual([]); // 19:30
    expect(firedIds(set.evaluate(anInput({ at: '2026-03-10T16:30:00Z', attributes: { amount: '49.99' } })))).toEqual(
      [],
    );
    expect(firedIds(set.evaluate(anInput({ at: '2026-03-10T16:30:00Z', member: aMember({ tier: null }) })))).toEqual(
      [],
    );
    const nyc = compileRuleSet([happyHour], { timeZone: 'America/New_York' });
    expect(firedIds(nyc.evaluate(anInput({ at: '2026-03-10T21:30:00Z' })))).toEqual(['happy']); // 17:30 EDT
  });
});

describe('compileRuleSet: points', () => {
  it('perUnit: numeric fact × rate, rounded as the rule says', () => {
    const perUnit = (rounding: string, rate = 2) =>
      rule(rounding, { reward: { points: { perUnit: { fact: 'event.amount', rate, rounding } } } });
    const set = ruleSet(perUnit('floor'), perUnit('round'), perUnit('ceil'));
    const points = (amount: unknown) =>
      set.evaluate(anInput({ attributes: { amount } })).points.map((p) => [p.ruleId, p.points]);
    expect(points('59.90')).toEqual([
      ['ceil', 120],
      ['floor', 119],
      ['round', 120],
    ]);
    expect(points(10.25)).toEqual([
      ['ceil', 21],
      ['floor', 20],
      ['round', 21],
    ]);
    expect(points('0.145')).toEqual([['ceil', 1]]); // 0.29: floor and round give 0 points, so they do not fire
    expect(ruleSet(perUnit('floor', 100)).evaluate(anInput({ attributes: { amount: '0.29' } })).points[0].points).toBe(
      29,
    ); // not 28.999…
  });

  it('perUnit fact missing or not numeric: the rule does not fire', () => {
    const set = ruleSet(
      rule('r', { reward: { points: { perUnit: { fact: 'event.amount', rate: 1 } }, token: { amount: '1' } } }),
    );
    for (const attributes of [{}, { amount: 'n/a' }, { amount: null }, { amount: [5] }]) {
      const evaluation = set.evaluate(anInput({ attributes, explain: true }));
      expect(evaluation.tokens).toEqual([]);
      expect(evaluation.trace[0].reason).toBe('perUnit fact is missing or not a number');
    }
  });

  it('0 points and nothing else: the rule does not fire; with a token it does', () => {
    const set = ruleSet(
      rule('zero', { reward: { points: { perUnit: { fact: 'event.amount', rate: 1 } } } }),
      rule('token', { reward: { points: { perUnit: { fact: 'event.amount', rate: 1 } }, token: { amount: '0.25' } } }),
    );
    const evaluation = set.evaluate(anInput({ attributes: { amount: '-5' }, explain: true }));
    expect(evaluation.points).toEqual([]);
    expect(evaluation.tokens).toEqual([{ ruleId: 'token', ruleVersion: 1, amount: '0.25' }]);
    expect(evaluation.trace.map((t) => [t.ruleId, t.fired, t.reason])).toEqual([
      ['token', true, 'fired'],
      ['zero', false, 'no effect: 0 points, no token, no stage move'],
    ]);
    expect(evaluation.usage.get('token')).toMatchObject({ count: 1, points: 0 });
  });

  it('tier multiplier on top, floored', () => {
    const set = ruleSet(
      rule('fixed', { reward: { points: { fixed: 15 } } }),
      rule('unit', { reward: { points: { perUnit: { fact: 'event.amount', rate: 2 } } } }),
    );
    const points = (tierMultiplier: number) => set.evaluate(anInput({ tierMultiplier })).points.map((p) => p.points);
    expect(points(1)).toEqual([15, 119]);
    expect(points(1.5)).toEqual([22, 178]);
    expect(points(1.1)).toEqual([16, 130]); // 15 × 1.1 = 16.5; 119 × 1.1 = 130.9 (not 130.89999…)
    expect(points(0)).toEqual([]);
  });

  it('passes the rule version and pendingDays on', () => {
    const set = ruleSet(rule('r', { pendingDays: 14 }, 7));
    expect(set.evaluate(anInput()).points).toEqual([{ ruleId: 'r', ruleVersion: 7, points: 10, pendingDays: 14 }]);
  });
});

describe('compileRuleSet: limits', () => {
  const limited = (limits: Record<string, unknown>, points = 40) =>
    ruleSet(rule('r', { reward: { points: { fixed: points } }, limits }));

  it('count per day, resetting when the local day changes', () => {
    const set = limited({ perMember: { count: 3, period: 'day' } });
    const withUsage = (u: RuleUsage) => set.evaluate(anInput({ usage: new Map([['r', u]]) }));
    expect(withUsage(usage({ periodStart: TODAY, count: 2, points: 80 })).usage.get('r')).toEqual(
      usage({ periodStart: TODAY, count: 3, points: 120, lastFiredAt: '2026-03-10T12:00:00Z' }),
    );
    expect(firedIds(withUsage(usage({ periodStart: TODAY, count: 3 })))).toEqual([]);
    // Yesterday's usage has reset:
    const reset = withUsage(
      usage({ periodStart: '2026-03-08T23:00:00Z', count: 3, points: 120, lastFiredAt: '2026-03-09T22:59:00Z' }),
    );
    expect(reset.usage.get('r')).toEqual(
      usage({ periodStart: TODAY, count: 1, points: 40, lastFiredAt: '2026-03-10T12:00:00Z' }),
    );
    expect(withUsage(usage({ periodStart: TODAY, count: 3 })).trace).toEqual([]);
    expect(
      set.evaluate(anInput({ usage: new Map([['r', usage({ periodStart: TODAY, count: 3 })]]), explain: true }))
        .trace[0].reason,
    ).toBe('per-member limit reached: 3 of 3 per day');
  });

  it('count per week and month follow the brand zone', () => {
    const week = limited({ perMember: { count: 1, period: 'week' } });
    const month = limited({ perMember: { count: 1, period: 'month' } });
    // Monday 2026-03-09 00:00 CET = 2026-03-08T23:00Z; March began 2026-02-28T23:00Z.
    const used = (periodStart: string) => new Map([['r', usage({ periodStart, count: 1 })]]);
    expect(firedIds(week.evaluate(anInput({ usage: used('2026-03-08T23:00:00Z') })))).toEqual([]);
    expect(firedIds(week.evaluate(anInput({ usage: used('2026-03-01T23:00:00Z') })))).toEqual(['r']);
    expect(
      week
        .evaluate(anInput({ usage: used('2026-03-01T23:00:00Z') }))
        .usage.get('r')!
        .periodStart.toISOString(),
    ).toBe('2026-03-08T23:00:00.000Z');
    expect(firedIds(month.evaluate(anInput({ usage: used('2026-02-28T23:00:00Z') })))).toEqual([]);
    expect(firedIds(month.evaluate(anInput({ usage: used('2026-01-31T23:00:00Z') })))).toEqual(['r']);
    // At 00:30 on 1 April (CEST) the month has turned in Amsterdam, though not yet in UTC.
    expect(
      firedIds(month.evaluate(anInput({ at: '2026-03-31T22:30:00Z', usage: used('2026-02-28T23:00:00Z') }))),
    ).toEqual(['r']);
  });

  it('usage from a later period (an out-of-order event) still counts', () => {
    const set = limited({ perMember: { count: 1, period: 'day' } });
    expect(
      firedIds(
        set.evaluate(anInput({ usage: new Map([['r', usage({ periodStart: '2026-03-10T23:00:00Z', count: 1 })]]) })),
      ),
    ).toEqual([]);
  });

  it('points per period: capped to what is left, exactly; none left → does not fire', () => {
    const set = limited({ perMember: { points: 100, period: 'day' } });
    const run = (points: number) =>
      set.evaluate(
        anInput({ usage: new Map([['r', usage({ periodStart: TODAY, count: 5, points })]]), explain: true }),
      );
    expect(run(50).points[0].points).toBe(40);
    const capped = run(90);
    expect(capped.points[0].points).toBe(10);
    expect(capped.usage.get('r')).toMatchObject({ count: 6, points: 100 });
    expect(capped.trace[0].reason).toBe('fired; 40 points capped to 10 by the per-member points limit');
    expect(run(100).points).toEqual([]);
    expect(run(100).trace[0].reason).toBe('per-member points limit reached: 100 of 100 per day');
  });

  it('the cap applies after the tier multiplier', () => {
    const set = limited({ perMember: { points: 100, period: 'lifetime' } }, 80);
    expect(set.evaluate(anInput({ tierMultiplier: 2 })).points[0].points).toBe(100);
    expect(set.evaluate(anInput({ tierMultiplier: 2 })).usage.get('r')).toEqual(
      usage({ periodStart: '1970-01-01T00:00:00Z', count: 1, points: 100, lastFiredAt: '2026-03-10T12:00:00Z' }),
    );
  });

  it('cooldown: occurredAt − lastFiredAt must be ≥ cooldownSeconds, across period resets too', () => {
    const set = limited({ cooldownSeconds: 60, perMember: { count: 10, period: 'day' } });
    const after = (lastFiredAt: string) =>
      set.evaluate(
        anInput({
          at: '2026-03-09T23:00:30Z',
          usage: new Map([['r', usage({ periodStart: '2026-03-08T23:00:00Z', count: 10, lastFiredAt })]]),
          explain: true,
        }),
      );
    expect(firedIds(after('2026-03-09T22:59:31Z'))).toEqual([]);
    expect(after('2026-03-09T22:59:31Z').trace[0].reason).toBe('cooldown: fired at 2026-03-09T22:59:31.000Z, 1 s left');
    expect(firedIds(after('2026-03-09T22:59:30Z'))).toEqual(['r']);
    // lastFiredAt in the future (events out of order): still cooling down, and never moved back.
    expect(firedIds(after('2026-03-09T23:00:40Z'))).toEqual([]);
  });

  it('an out-of-order event does not move lastFiredAt back', () => {
    const set = limited({ perMember: { count: 10, period: 'lifetime' } });
    const evaluation = set.evaluate(
      anInput({
        usage: new Map([
          ['r', usage({ periodStart: '1970-01-01T00:00:00Z', count: 1, lastFiredAt: '2026-03-11T00:00:00Z' })],
        ]),
      }),
    );
    expect(evaluation.usage.get('r')!.lastFiredAt!.toISOString()).toBe('2026-03-11T00:00:00.000Z');
  });

  it('budget: capped to what remains, spent reported; missing = the whole budget', () => {
    const set = limited({ budgetPoints: 1000 });
    const run = (remaining?: number) =>
      set.evaluate(
        anInput({ budgetRemaining: remaining === undefined ? new Map() : new Map([['r', remaining]]), explain: true }),
      );
    expect(run(1000).budgetSpent).toEqual(new Map([['r', 40]]));
    expect(run().budgetSpent).toEqual(new Map([['r', 40]]));
    const capped = run(15);
    expect(capped.points[0].points).toBe(15);
    expect(capped.budgetSpent).toEqual(new Map([['r', 15]]));
    expect(capped.trace[0].reason).toBe('fired; 40 points capped to 15 by the remaining budget');
    expect(run(0).points).toEqual([]);
    expect(run(0).trace[0].reason).toBe('budget used up');
    expect(run(-3).points).toEqual([]);
  });

  it('unbudgeted rules report no budget spend', () => {
    expect(ruleSet(rule('r')).evaluate(anInput()).budgetSpent).toEqual(new Map());
  });
});

describe('compileRuleSet: stage moves', () => {
  const member = (stage: string) => aMember({ stage });
  const moveOnly = (id: string, fields: Record<string, unknown>) => rule(id, { reward: {}, ...fields });

  it('advanceStage only moves forward', () => {
    const set = ruleSet(moveOnly('adv', { advanceStage: 'retention' }));
    expect(set.evaluate(anInput({ member: member('conversion') })).stage).toEqual({
      to: 'retention',
      ruleId: 'adv',
      mode: 'advance',
    });
    expect(set.evaluate(anInput({ member: member('awareness') })).stage).toEqual({
      to: 'retention',
      ruleId: 'adv',
      mode: 'advance',
    });
    for (const stage of ['retention', 'loyalty']) {
      const evaluation = set.evaluate(anInput({ member: member(stage), explain: true }));
      expect(evaluation.stage).toBeNull();
      expect(evaluation.trace[0]).toMatchObject({
        fired: false,
        reason: 'no effect: no points, no token, no stage change (advance to "retention")',
      });
      expect(evaluation.usage.size).toBe(0);
    }
  });

  it('a rule with points fires without the backward advance', () => {
    const set = ruleSet(rule('adv', { advanceStage: 'conversion' }));
    const evaluation = set.evaluate(anInput({ member: member('loyalty') }));
    expect(evaluation.points).toHaveLength(1);
    expect(evaluation.stage).toBeNull();
  });

  it('setStage moves any way, but not to the current stage', () => {
    const set = ruleSet(moveOnly('set', { setStage: 'awareness' }));
    expect(set.evaluate(anInput({ member: member('loyalty') })).stage).toEqual({
      to: 'awareness',
      ruleId: 'set',
      mode: 'set',
    });
    expect(set.evaluate(anInput({ member: member('awareness') })).stage).toBeNull();
  });

  it('a member in a stage the brand removed can advance', () => {
    const set = ruleSet(moveOnly('adv', { advanceStage: 'consideration' }));
    expect(set.evaluate(anInput({ member: member('legacy') })).stage).toEqual({
      to: 'consideration',
      ruleId: 'adv',
      mode: 'advance',
    });
    expect(set.evaluate(anInput({ stageOrder: ['awareness', 'loyalty'] })).stage).toBeNull(); // target gone from the journey
  });

  it('the highest-priority move wins; a later move-only rule has no effect', () => {
    const set = ruleSet(
      moveOnly('high', { priority: 10, advanceStage: 'loyalty' }),
      moveOnly('low', { priority: 1, setStage: 'awareness' }),
      rule('points', { priority: 0, advanceStage: 'retention' }),
    );
    const evaluation = set.evaluate(anInput({ member: member('conversion'), explain: true }));
    expect(evaluation.stage).toEqual({ to: 'loyalty', ruleId: 'high', mode: 'advance' });
    expect(evaluation.trace.map((t) => [t.ruleId, t.fired, t.reason])).toEqual([
      ['high', true, 'fired'],
      ['low', false, 'no effect: no points, no token, stage move already decided by rule high'],
      ['points', true, 'fired'],
    ]);
  });
});

describe('compileRuleSet: explain', () => {
  it('traces every rule of the set, with the reason', () => {
    const set = ruleSet(
      rule('fires', { priority: 9 }),
      rule('cond', { priority: 8, conditions: { fact: 'member.purchaseCount', op: 'gte', value: 2 } }),
      rule('future', { priority: 7, validFrom: '2027-01-01T00:00:00Z' }),
      rule('share', { event: 'share' }),
      rule('paused', { status: 'paused' }),
    );
    const evaluation = set.evaluate(anInput({ explain: true }));
    expect(evaluation.trace).toEqual([
      { ruleId: 'fires', ruleVersion: 1, name: 'rule fires', fired: true, reason: 'fired', points: 10 },
      {
        ruleId: 'cond',
        ruleVersion: 1,
        name: 'rule cond',
        fired: false,
        reason: 'condition failed: conditions: member.purchaseCount gte 2 does not hold (member.purchaseCount = 1)',
      },
      {
        ruleId: 'future',
        ruleVersion: 1,
        name: 'rule future',
        fired: false,
        reason: 'not valid yet (validFrom 2027-01-01T00:00:00Z)',
      },
      { ruleId: 'paused', ruleVersion: 1, name: 'rule paused', fired: false, reason: 'status is paused' },
      {
        ruleId: 'share',
        ruleVersion: 1,
        name: 'rule share',
        fired: false,
        reason: 'listens to "share" events, not "purchase"',
      },
    ]);
    // Same effects as without explain:
    const plain = set.evaluate(anInput());
    expect({ ...plain, trace: [] }).toEqual({ ...evaluation, trace: [] });
  });
});

describe('compileRuleSet: misuse', () => {
  it('throws on an unknown time zone or duplicate ids', () => {
    expect(() => compileRuleSet([rule('a')], { timeZone: 'Nowhere/City' })).toThrow(RangeError);
    expect(() => ruleSet(rule('a'), rule('a', {}, 2))).toThrow('rule a appears twice');
  });
  it('throws on a definition that does not compile', () => {
    const bad = rule('a');
    (bad.definition as RuleDefinition).conditions = { fact: 'event.x', op: 'in', value: 'nope' };
    expect(() => ruleSet(bad)).toThrow('invalid condition');
  });
  it('throws on an invalid occurredAt or tier multiplier', () => {
    const set = ruleSet(rule('a'));
    expect(() => set.evaluate(anInput({ at: 'garbage' }))).toThrow('event.occurredAt is not a valid date');
    expect(() => set.evaluate(anInput({ tierMultiplier: NaN }))).toThrow(RangeError);
    expect(() => set.evaluate(anInput({ tierMultiplier: -1 }))).toThrow(RangeError);
  });
  it('does not mutate its input', () => {
    const set = ruleSet(rule('a', { limits: { perMember: { count: 5, period: 'day' } } }));
    const input = anInput({ usage: new Map([['a', usage({ periodStart: TODAY, count: 1 })]]) });
    const before = JSON.stringify([...input.usage]);
    set.evaluate(input);
    expect(JSON.stringify([...input.usage])).toBe(before);
  });
});
