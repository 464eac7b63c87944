/**
 * Micro-benchmark of the rules engine hot path (DESIGN §4): one purchase event against a
 * brand with 1,000 active rules over ten event types (so ~100 candidates), compiled once.
 * Target: median ≤ 20 µs per evaluation.
 *
 * Run: `npm run bench:engine` (compiled to dist/bench/engine.bench.js), or import
 * `runEngineBench` from a bench harness.
 */
import { pathToFileURL } from 'node:url';
import {
  compileRuleSet,
  type Condition,
  type EvaluationInput,
  type RuleDefinition,
  type RuleUsage,
  type StoredRule,
} from '../src/rules/engine/index.js';
import { type Agreement, agreementOf, JsonRulesEngineSet, randomInputs } from './json-rules-engine.js';

export interface EngineBenchResult {
  medianUs: number;
  p95Us: number;
  p99Us: number;
  rules: number;
  /** json-rules-engine on the same rules and facts (bench/json-rules-engine.ts). */
  jsonRulesEngine: { medianUs: number; p95Us: number; agreement: Agreement };
  /** json-rules-engine's median / ours: the lead the issue asks to keep (≥ 30). */
  ratioToJsonRulesEngine: number;
}

const RULES = 1_000;
const ITERATIONS = 200_000;
const WARM_UP = 20_000;
const CHUNK = 50;
const TARGET_US = 20;
const JRE_ITERATIONS = 4_000;
const JRE_WARM_UP = 500;
const JRE_CHUNK = 10;
const AGREEMENT_EVENTS = 1_000;
const TIME_ZONE = 'Europe/Amsterdam';

const STAGES = ['awareness', 'consideration', 'conversion', 'retention', 'loyalty'];
const EVENT_TYPES = [
  'purchase',
  'share',
  'content',
  'feedback',
  'referral',
  'retention',
  'enrollment',
  'refund',
  'app.opened',
  'review.posted',
];

/** Deterministic PRNG (mulberry32) so every run measures the same rule set. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function leavesFor(event: string, next: () => number): Condition[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const eventLeaves: Condition[] =
    event === 'purchase'
      ? [
          { fact: 'event.amount', op: 'gte', value: pick([10, 20, 50, 100]) },
          { fact: 'event.currency', op: 'eq', value: 'EUR' },
          { fact: 'event.channel', op: 'in', value: ['web', 'app'] },
          { fact: 'event.amount', op: 'between', value: [5, 500] },
        ]
      : event === 'feedback'
        ? [{ fact: 'event.rating', op: 'gte', value: pick([4, 5]) }]
        : event === 'share'
          ? [{ fact: 'event.channel', op: 'in', value: ['instagram', 'tiktok', 'x'] }]
          : [{ fact: 'event.touchpoint', op: 'exists' }];
  const memberLeaves: Condition[] = [
    { fact: 'member.tier', op: 'in', value: ['silver', 'gold'] },
    { fact: 'member.purchaseCount', op: 'gte', value: pick([1, 2, 5]) },
    { fact: 'member.enrolledDaysAgo', op: 'lt', value: pick([30, 365]) },
    { fact: 'member.referred', op: 'eq', value: true },
    { fact: 'time.dayOfWeek', op: 'in', value: [0, 6] },
    { fact: 'time.hour', op: 'between', value: [8, 20] },
  ];
  const pool = [...eventLeaves, ...memberLeaves];
  const count = 1 + Math.floor(next() * 4);
  return Array.from({ length: count }, () => pick(pool));
}

export function buildBenchRules(count = RULES): StoredRule[] {
  const next = random(42);
  const rules: StoredRule[] = [];
  for (let i = 0; i < count; i++) {
    const event = EVENT_TYPES[i % EVENT_TYPES.length];
    const leaves = leavesFor(event, next);
    const perUnit = event === 'purchase' && next() < 0.5;
    const definition: RuleDefinition = {
      name: `${event} rule ${i}`,
      stages: next() < 0.5 ? [] : STAGES.filter(() => next() < 0.6),
      event,
      conditions: next() < 0.3 ? { any: leaves } : { all: leaves },
      reward: {
        points: perUnit
          ? { perUnit: { fact: 'event.amount', rate: 1 + Math.floor(next() * 3), rounding: 'floor' } }
          : { fixed: 5 + Math.floor(next() * 100) },
        ...(next() < 0.1 ? { token: { amount: '1.5' } } : {}),
      },
      advanceStage: next() < 0.05 ? 'loyalty' : null,
      limits:
        next() < 0.4
          ? {
              perMember: { count: 1 + Math.floor(next() * 5), period: (['day', 'week', 'month'] as const)[i % 3] },
              cooldownSeconds: next() < 0.3 ? 60 : null,
              budgetPoints: next() < 0.2 ? 1_000_000 : null,
            }
          : null,
      priority: Math.floor(next() * 100),
      // Exclusive rules exist but rarely fire (they would cut the benchmark short).
      exclusive: next() < 0.02,
      validFrom: '2026-01-01T00:00:00Z',
      validUntil: null,
      status: 'active',
    };
    if (definition.exclusive) {
      definition.conditions = { all: [...leaves, { fact: 'event.amount', op: 'gt', value: 10_000 }] };
    }
    rules.push({ id: `rule-${String(i).padStart(4, '0')}`, version: 1, definition });
  }
  return rules;
}

export function buildBenchInput(rules: readonly StoredRule[]): EvaluationInput {
  const occurredAt = new Date('2026-11-24T10:00:00Z');
  const usage = new Map<string, RuleUsage>();
  const budgetRemaining = new Map<string, number>();
  for (const [i, rule] of rules.entries()) {
    if (rule.definition.event !== 'purchase') {
      continue;
    }
    if (i % 3 === 0) {
      usage.set(rule.id, {
        periodStart: new Date('2026-11-24T00:00:00+01:00'),
        count: 1,
        points: 40,
        lastFiredAt: new Date('2026-11-23T10:00:00Z'),
      });
    }
    if (rule.definition.limits?.budgetPoints) {
      budgetRemaining.set(rule.id, 500_000);
    }
  }
  return {
    event: {
      type: 'purchase',
      occurredAt,
      attributes: { amount: '59.90', currency: 'EUR', orderId: '1042', channel: 'web' },
    },
    member: {
      stage: 'retention',
      tier: 'gold',
      enrolledAt: new Date('2026-03-01T09:00:00Z'),
      purchaseCount: 3,
      referralCount: 1,
      lifetimePoints: 1_200,
      lastPurchaseAt: new Date('2026-11-01T12:00:00Z'),
      source: 'api',
      referred: false,
    },
    stageOrder: STAGES,
    tierMultiplier: 1.5,
    usage,
    budgetRemaining,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function runEngineBench(): Promise<EngineBenchResult> {
  const rules = buildBenchRules();
  const ruleSet = compileRuleSet(rules, { timeZone: TIME_ZONE });
  const input = buildBenchInput(rules);
  let sink = 0;
  const ours = await timed(WARM_UP, ITERATIONS, CHUNK, () => {
    sink += ruleSet.evaluate(input).points.length;
  });
  if (sink === 0) {
    throw new Error('benchmark evaluated nothing: the rule set never fired');
  }

  const jre = new JsonRulesEngineSet(rules, STAGES);
  const agreement = await agreementOf(rules, jre, randomInputs(input, EVENT_TYPES, AGREEMENT_EVENTS, 7), TIME_ZONE);
  if (agreement.agreed !== agreement.events) {
    throw new Error(`the engines disagree, so their times cannot be compared: ${agreement.firstDifference}`);
  }
  let jreSink = 0;
  const theirs = await timed(JRE_WARM_UP, JRE_ITERATIONS, JRE_CHUNK, async () => {
    jreSink += (await jre.fired(input, TIME_ZONE)).length;
  });
  if (jreSink === 0) {
    throw new Error('json-rules-engine fired nothing on the bench event');
  }
  const round = (us: number): number => Math.round(us * 100) / 100;
  return {
    medianUs: round(ours.median),
    p95Us: round(ours.p95),
    p99Us: round(ours.p99),
    rules: ruleSet.size,
    jsonRulesEngine: { medianUs: round(theirs.median), p95Us: round(theirs.p95), agreement },
    ratioToJsonRulesEngine: round(theirs.median / ours.median),
  };
}

/**
 * Per-call cost, measured over chunks: one hrtime call per evaluation would weigh as much as
 * the evaluation itself. Awaits only when `run` returns a promise.
 */
async function timed(
  warmUp: number,
  iterations: number,
  chunk: number,
  run: () => void | Promise<void>,
): Promise<{ median: number; p95: number; p99: number }> {
  for (let i = 0; i < warmUp; i++) {
    await run();
  }
  const samples: number[] = [];
  for (let done = 0; done < iterations; done += chunk) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < chunk; i++) {
      const pending = run();
      if (pending) {
        await pending;
      }
    }
    samples.push(Number(process.hrtime.bigint() - start) / 1_000 / chunk);
  }
  samples.sort((a, b) => a - b);
  return { median: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99) };
}

const runDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (runDirectly) {
  const result = await runEngineBench();
  console.log(`rules engine: ${result.rules} active rules, ${ITERATIONS} evaluations of one purchase event`);
  console.log(`median ${result.medianUs} µs   p95 ${result.p95Us} µs   p99 ${result.p99Us} µs`);
  console.log(`target ≤ ${TARGET_US} µs: ${result.medianUs <= TARGET_US ? 'met' : 'MISSED'}`);
  const { jsonRulesEngine: jre } = result;
  console.log(
    `json-rules-engine on the same rules and facts: median ${jre.medianUs} µs   p95 ${jre.p95Us} µs ` +
      `(agreed on ${jre.agreement.agreed}/${jre.agreement.events} random events, ${jre.agreement.firings} firings)`,
  );
  console.log(`json-rules-engine / ours: ${result.ratioToJsonRulesEngine}× (target ≥ 30×)`);
}
