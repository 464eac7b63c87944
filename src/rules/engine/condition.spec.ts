import { compileCondition } from './condition.js';
import type { Condition, Op } from './rule-definition.js';
import { factsOf } from './test-support.js';

const facts = factsOf(
  {
    amount: '59.90',
    qty: 3,
    currency: 'EUR',
    tags: ['sale', 'new', 7],
    note: 'gift wrapped',
    flag: false,
    nothing: null,
  },
  { member: { tier: null, stage: 'retention', purchaseCount: 4 } },
);

function holds(condition: Condition): boolean {
  return compileCondition(condition).test(facts);
}
function leaf(fact: string, op: Op, value?: unknown): boolean {
  return holds(value === undefined ? { fact, op } : { fact, op, value });
}

describe('compileCondition: ops', () => {
  it('eq / neq compare numbers numerically, numeric strings included', () => {
    expect(leaf('event.amount', 'eq', 59.9)).toBe(true);
    expect(leaf('event.amount', 'neq', 59.9)).toBe(false);
    expect(leaf('event.qty', 'eq', 3)).toBe(true);
    expect(leaf('event.qty', 'neq', 4)).toBe(true);
    expect(leaf('event.currency', 'eq', 3)).toBe(false);
  });

  it('eq / neq compare strings and booleans exactly', () => {
    expect(leaf('event.currency', 'eq', 'EUR')).toBe(true);
    expect(leaf('event.currency', 'eq', 'eur')).toBe(false);
    expect(leaf('event.currency', 'neq', 'USD')).toBe(true);
    expect(leaf('event.qty', 'eq', '3')).toBe(false); // "5" ≠ 5: only the rule's numbers coerce
    expect(leaf('event.flag', 'eq', false)).toBe(true);
    expect(leaf('event.flag', 'neq', true)).toBe(true);
    expect(leaf('member.stage', 'eq', 'retention')).toBe(true);
  });

  it('gt / gte / lt / lte compare numerically and are false for non-numbers', () => {
    expect(leaf('event.amount', 'gt', 59)).toBe(true);
    expect(leaf('event.amount', 'gt', 59.9)).toBe(false);
    expect(leaf('event.amount', 'gte', 59.9)).toBe(true);
    expect(leaf('event.amount', 'lt', 60)).toBe(true);
    expect(leaf('event.amount', 'lte', 59.9)).toBe(true);
    expect(leaf('event.amount', 'lte', 59.89)).toBe(false);
    expect(leaf('event.currency', 'gt', 0)).toBe(false);
    expect(leaf('event.currency', 'lt', 0)).toBe(false);
    expect(leaf('event.flag', 'gte', 0)).toBe(false);
  });

  it('in / nin use the set of listed values, numbers numerically', () => {
    expect(leaf('event.currency', 'in', ['USD', 'EUR'])).toBe(true);
    expect(leaf('event.currency', 'nin', ['USD', 'EUR'])).toBe(false);
    expect(leaf('event.currency', 'nin', ['USD'])).toBe(true);
    expect(leaf('event.amount', 'in', [10, 59.9])).toBe(true);
    expect(leaf('event.qty', 'in', [1, 2, 3])).toBe(true);
    expect(leaf('event.qty', 'in', ['3'])).toBe(false);
    expect(leaf('event.flag', 'in', [false])).toBe(true);
    expect(leaf('event.tags', 'in', ['sale'])).toBe(false); // an array is not one of the scalars
    expect(leaf('event.tags', 'nin', ['sale'])).toBe(true);
  });

  it('contains: substring of a string, element of an array', () => {
    expect(leaf('event.note', 'contains', 'wrap')).toBe(true);
    expect(leaf('event.note', 'contains', 'Wrap')).toBe(false);
    expect(leaf('event.note', 'contains', 5)).toBe(false);
    expect(leaf('event.tags', 'contains', 'new')).toBe(true);
    expect(leaf('event.tags', 'contains', 'old')).toBe(false);
    expect(leaf('event.tags', 'contains', 7)).toBe(true);
    expect(leaf('event.qty', 'contains', 3)).toBe(false);
  });

  it('exists: present (no value or true) / absent (false); null counts as absent', () => {
    expect(leaf('event.amount', 'exists')).toBe(true);
    expect(leaf('event.amount', 'exists', true)).toBe(true);
    expect(leaf('event.amount', 'exists', false)).toBe(false);
    expect(leaf('event.missing', 'exists')).toBe(false);
    expect(leaf('event.missing', 'exists', false)).toBe(true);
    expect(leaf('event.nothing', 'exists')).toBe(false);
    expect(leaf('member.tier', 'exists', false)).toBe(true);
    expect(leaf('event.flag', 'exists')).toBe(true); // false is a value
  });

  it('between includes both ends and reads numeric strings', () => {
    expect(leaf('event.amount', 'between', [59.9, 100])).toBe(true);
    expect(leaf('event.amount', 'between', [0, 59.9])).toBe(true);
    expect(leaf('event.amount', 'between', [60, 100])).toBe(false);
    expect(leaf('event.qty', 'between', [3, 3])).toBe(true);
    expect(leaf('event.currency', 'between', [0, 1e9])).toBe(false);
  });

  it('a missing fact makes every op false except exists:false', () => {
    const ops: [Op, unknown][] = [
      ['eq', 1],
      ['neq', 1],
      ['eq', 'x'],
      ['neq', 'x'],
      ['gt', 0],
      ['gte', 0],
      ['lt', 0],
      ['lte', 0],
      ['in', ['x']],
      ['nin', ['x']],
      ['contains', 'x'],
      ['exists', undefined],
      ['exists', true],
      ['between', [-1e9, 1e9]],
    ];
    for (const fact of ['event.missing', 'event.nothing', 'member.tier', 'member.daysSinceLastPurchase']) {
      const missing =
        fact === 'member.daysSinceLastPurchase' ? factsOf({}, { member: { lastPurchaseAt: null } }) : facts;
      for (const [op, value] of ops) {
        const condition: Condition = value === undefined ? { fact, op } : { fact, op, value };
        expect([fact, op, compileCondition(condition).test(missing)]).toEqual([fact, op, false]);
      }
      expect(compileCondition({ fact, op: 'exists', value: false }).test(missing)).toBe(true);
    }
  });

  it('does not read inherited properties as attributes', () => {
    expect(leaf('event.constructor', 'exists')).toBe(false);
    expect(leaf('event.toString', 'exists')).toBe(false);
    expect(holds({ fact: 'event.constructor', op: 'eq', value: 'x' })).toBe(false);
    const own = factsOf({ constructor: 'mine' });
    expect(compileCondition({ fact: 'event.constructor', op: 'eq', value: 'mine' }).test(own)).toBe(true);
  });

  it('refuses to compile what validation refuses', () => {
    expect(() => compileCondition({ fact: 'event.a', op: 'bogus' as Op, value: 1 })).toThrow('invalid condition');
    expect(() => compileCondition({ fact: 'event.a', op: 'in', value: 'x' })).toThrow('invalid condition');
    expect(() => compileCondition({ fact: 'event.a', op: 'gt', value: '5' })).toThrow('invalid condition');
    expect(() => compileCondition({ fact: 'nope', op: 'exists' })).toThrow('unknown fact');
  });
});

describe('compileCondition: groups', () => {
  const yes: Condition = { fact: 'event.currency', op: 'eq', value: 'EUR' };
  const no: Condition = { fact: 'event.currency', op: 'eq', value: 'USD' };

  it('all / any / not', () => {
    expect(holds({ all: [yes, yes, yes] })).toBe(true);
    expect(holds({ all: [yes, no] })).toBe(false);
    expect(holds({ all: [yes, yes, no] })).toBe(false);
    expect(holds({ all: [] })).toBe(true);
    expect(holds({ any: [no, yes] })).toBe(true);
    expect(holds({ any: [no, no] })).toBe(false);
    expect(holds({ any: [no] })).toBe(false);
    expect(holds({ not: no })).toBe(true);
    expect(holds({ not: { all: [yes, no] } })).toBe(true);
    expect(holds({ any: [{ not: yes }, { all: [yes, { not: no }] }] })).toBe(true);
  });

  it('no conditions always hold', () => {
    expect(compileCondition(null).test(facts)).toBe(true);
    expect(compileCondition(undefined).explain(facts)).toBeNull();
  });

  it('explain names the failing leaf by its path and shows the actual value', () => {
    const condition: Condition = { all: [yes, { fact: 'member.purchaseCount', op: 'gte', value: 5 }] };
    expect(compileCondition(condition).explain(facts)).toBe(
      'conditions.all[1]: member.purchaseCount gte 5 does not hold (member.purchaseCount = 4)',
    );
    expect(compileCondition({ fact: 'member.tier', op: 'in', value: ['gold'] }).explain(facts)).toBe(
      'conditions: member.tier in ["gold"] does not hold (member.tier missing)',
    );
    expect(compileCondition({ any: [no, { not: yes }] }).explain(facts)).toBe(
      'conditions: none of the 2 alternatives holds (conditions.any[0]: event.currency eq "USD" does not hold (event.currency = "EUR"); conditions.any[1]: the condition under "not" holds)',
    );
    expect(compileCondition({ all: [yes, { any: [yes] }] }).explain(facts)).toBeNull();
  });

  it('explain agrees with test', () => {
    const conditions: Condition[] = [yes, no, { not: yes }, { all: [yes, no] }, { any: [no, yes] }, { all: [] }];
    for (const condition of conditions) {
      const compiled = compileCondition(condition);
      expect(compiled.explain(facts) === null).toBe(compiled.test(facts));
    }
  });
});
