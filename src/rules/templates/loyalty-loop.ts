import type { RuleDefinition } from '../engine/index.js';

const EVERY_STAGE_OF_THE_LOOP = ['awareness', 'consideration', 'conversion', 'retention', 'loyalty'];

/**
 * The starter rule set of the loyalty loop (DESIGN §1): one rule per reward the journey
 * table suggests. Stage keys a brand does not have are dropped when it is applied.
 */
export const LOYALTY_LOOP_TEMPLATE: readonly RuleDefinition[] = [
  {
    name: 'Share points',
    description: 'Points for sharing; capped per day so sharing cannot be farmed.',
    stages: EVERY_STAGE_OF_THE_LOOP,
    event: 'share',
    reward: { points: { fixed: 10 } },
    limits: { perMember: { count: 5, period: 'day' } },
    priority: 0,
    exclusive: false,
    status: 'active',
  },
  {
    name: 'Exclusive content',
    description: 'Points for engaging with exclusive content while evaluating the brand.',
    stages: ['consideration'],
    event: 'content',
    reward: { points: { fixed: 15 } },
    limits: { perMember: { count: 3, period: 'day' } },
    priority: 0,
    exclusive: false,
    status: 'active',
  },
  {
    name: 'Feedback',
    description: 'Points for rating a touchpoint, once a day.',
    stages: ['consideration'],
    event: 'feedback',
    reward: { points: { fixed: 20 } },
    limits: { perMember: { count: 1, period: 'day' } },
    priority: 0,
    exclusive: false,
    status: 'active',
  },
  {
    name: 'First purchase bonus',
    description: 'A one-off bonus for the first purchase.',
    stages: ['conversion'],
    event: 'purchase',
    conditions: { fact: 'member.purchaseCount', op: 'eq', value: 1 },
    reward: { points: { fixed: 100 } },
    priority: 0,
    exclusive: false,
    status: 'active',
  },
  {
    name: 'Points per currency unit',
    description: 'One point per whole unit spent.',
    stages: ['conversion', 'retention', 'loyalty'],
    event: 'purchase',
    reward: { points: { perUnit: { fact: 'event.amount', rate: 1, rounding: 'floor' } } },
    priority: 0,
    exclusive: false,
    status: 'active',
  },
  {
    name: 'Repeat purchase multiplier',
    description: 'From the second purchase on, another point per unit: base points doubled.',
    stages: ['retention', 'loyalty'],
    event: 'purchase',
    conditions: { fact: 'member.purchaseCount', op: 'gte', value: 2 },
    reward: { points: { perUnit: { fact: 'event.amount', rate: 1, rounding: 'floor' } } },
    priority: 0,
    exclusive: false,
    status: 'active',
  },
  {
    name: 'Win-back',
    description: 'Points to bring back a member the retention scan found inactive.',
    stages: [],
    event: 'retention',
    conditions: { fact: 'event.reason', op: 'eq', value: 'inactive' },
    reward: { points: { fixed: 200 } },
    priority: 0,
    exclusive: false,
    status: 'active',
  },
  {
    name: 'Referral bonus',
    description: 'Points for the referrer when a referral qualifies.',
    stages: [],
    event: 'referral',
    reward: { points: { fixed: 500 } },
    priority: 0,
    exclusive: false,
    status: 'active',
  },
  {
    name: 'Welcome gift for referred friends',
    description: "Points for a referred member's first purchase.",
    stages: [],
    event: 'purchase',
    conditions: {
      all: [
        { fact: 'member.referred', op: 'eq', value: true },
        { fact: 'member.purchaseCount', op: 'eq', value: 1 },
      ],
    },
    reward: { points: { fixed: 250 } },
    priority: 0,
    exclusive: false,
    status: 'active',
  },
];

/**
 * The template fitted to a brand's journey: unknown stage keys are dropped, and a rule left
 * with none applies to every stage (a brand without `consideration` still rewards feedback).
 */
export function loyaltyLoopFor(stageKeys: readonly string[]): RuleDefinition[] {
  const known = new Set(stageKeys);
  return LOYALTY_LOOP_TEMPLATE.map((rule) => ({ ...rule, stages: rule.stages.filter((stage) => known.has(stage)) }));
}
