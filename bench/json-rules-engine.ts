/**
 * The same 1,000 rules run by json-rules-engine (v7, the most used rules engine on npm), set up
 * as a user would: one Engine per (event type, stage) holding only the rules that can apply, fed
 * the same facts our engine builds (numeric strings as numbers, as our engine reads them), with
 * the operators it lacks (`exists`, `between`, and `numeric` for per-unit rewards) added through `addOperator`.
 *
 * One known difference: json-rules-engine runs rules of equal priority in parallel, so an
 * exclusive rule cannot stop its equal-priority peers. The agreement check therefore draws
 * events on which no exclusive rule fires (the bench's exclusive rules need an amount above
 * 10,000) and asserts that none did; on such events both engines must fire the same set.
 */
import { Engine, type NestedCondition, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import {
  buildFacts,
  compileRuleSet,
  type Condition,
  type EvaluationInput,
  type Facts,
  type StoredRule,
} from '../src/rules/engine/index.js';

const OPERATOR: Record<string, string> = {
  eq: 'equal',
  neq: 'notEqual',
  gt: 'greaterThan',
  gte: 'greaterThanInclusive',
  lt: 'lessThan',
  lte: 'lessThanInclusive',
  in: 'in',
  nin: 'notIn',
  contains: 'contains',
  exists: 'exists',
  between: 'between',
};

function toJreCondition(condition: Condition): NestedCondition {
  if ('all' in condition) {
    return { all: condition.all.map(toJreCondition) };
  }
  if ('any' in condition) {
    return { any: condition.any.map(toJreCondition) };
  }
  if ('not' in condition) {
    return { not: toJreCondition(condition.not) };
  }
  return { fact: condition.fact, operator: OPERATOR[condition.op], value: condition.value ?? true };
}

/**
 * The rule's conditions, plus what our engine checks before it pays: a per-unit reward needs its
 * unit fact to be a number (a purchase without an amount pays nothing), which a json-rules-engine
 * user writes as one more condition.
 */
function topLevel(rule: StoredRule): TopLevelCondition {
  const { conditions, reward } = rule.definition;
  const parts: NestedCondition[] = conditions ? [toJreCondition(conditions)] : [];
  const perUnit = reward.points && 'perUnit' in reward.points ? reward.points.perUnit : null;
  if (perUnit) {
    parts.push({ fact: perUnit.fact, operator: 'numeric', value: true });
  }
  return { all: parts };
}

function newEngine(rules: readonly StoredRule[]): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  engine.addOperator<unknown, boolean>('exists', (fact, wanted) => (fact !== undefined && fact !== null) === wanted);
  engine.addOperator<unknown, [number, number]>(
    'between',
    (fact, [lo, hi]) => typeof fact === 'number' && fact >= lo && fact <= hi,
  );
  engine.addOperator<unknown, boolean>('numeric', (fact, wanted) => (typeof fact === 'number') === wanted);
  for (const rule of rules) {
    const properties: RuleProperties = {
      name: rule.id,
      // json-rules-engine wants priorities ≥ 1; ours start at 0.
      priority: (rule.definition.priority ?? 0) + 1,
      conditions: topLevel(rule),
      event: { type: rule.id },
    };
    engine.addRule(properties);
  }
  return engine;
}

/** Engines by `${eventType} ${stage}`: the pre-filter a user would write. */
export class JsonRulesEngineSet {
  private readonly engines = new Map<string, Engine>();

  constructor(
    rules: readonly StoredRule[],
    private readonly stages: readonly string[],
  ) {
    const types = new Set(rules.map((r) => r.definition.event));
    for (const type of types) {
      for (const stage of stages) {
        const applicable = rules.filter(
          (r) =>
            r.definition.event === type &&
            (r.definition.status ?? 'active') === 'active' &&
            (r.definition.stages.length === 0 || r.definition.stages.includes(stage)),
        );
        this.engines.set(`${type} ${stage}`, newEngine(applicable));
      }
    }
  }

  /** The ids of the rules that fire for this input, in the order json-rules-engine reports them. */
  async fired(input: EvaluationInput, timeZone: string): Promise<string[]> {
    const engine = this.engines.get(`${input.event.type} ${input.member.stage}`);
    if (!engine) {
      return [];
    }
    const { events } = await engine.run(flatFacts(buildFacts({ event: input.event, member: input.member, timeZone })));
    return events.map((e) => e.type);
  }
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** Our facts as json-rules-engine fact ids (`event.amount`, `member.tier`, `time.hour`). */
function flatFacts(facts: Facts): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts.event.attributes)) {
    out[`event.${k}`] = typeof v === 'string' && NUMERIC.test(v) ? Number(v) : v;
  }
  for (const [k, v] of Object.entries(facts.member)) {
    out[`member.${k}`] = v;
  }
  for (const [k, v] of Object.entries(facts.time)) {
    out[`time.${k}`] = v;
  }
  return out;
}

/** Deterministic PRNG (mulberry32): the agreement check draws the same events on every run. */
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

/** Random events over every event type, stage, tier and attribute the bench rules read. */
export function randomInputs(
  base: EvaluationInput,
  eventTypes: readonly string[],
  count: number,
  seed: number,
): EvaluationInput[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const inputs: EvaluationInput[] = [];
  for (let i = 0; i < count; i++) {
    const attributes: Record<string, unknown> = {};
    if (next() < 0.8) {
      attributes.amount = (1 + next() * 499).toFixed(2);
    }
    attributes.currency = pick(['EUR', 'USD']);
    attributes.channel = pick(['web', 'app', 'pos', 'instagram', 'tiktok', 'x']);
    if (next() < 0.6) {
      attributes.rating = 1 + Math.floor(next() * 6);
    }
    if (next() < 0.5) {
      attributes.touchpoint = pick(['checkout', 'support', 'delivery']);
    }
    const occurredAt = new Date(Date.UTC(2026, 0, 1) + Math.floor(next() * 330 * 86_400_000));
    inputs.push({
      ...base,
      event: { type: pick(eventTypes), occurredAt, attributes },
      member: {
        ...base.member,
        stage: pick(base.stageOrder),
        tier: pick([null, 'bronze', 'silver', 'gold']),
        purchaseCount: Math.floor(next() * 10),
        enrolledAt: new Date(occurredAt.getTime() - Math.floor(next() * 400) * 86_400_000),
        referred: next() < 0.3,
      },
      usage: new Map(),
      budgetRemaining: new Map(),
    });
  }
  return inputs;
}

export interface Agreement {
  events: number;
  /** Events on which both engines fired exactly the same rules. */
  agreed: number;
  /** Rule firings counted over all events (both engines, when they agree). */
  firings: number;
  firstDifference: string | null;
}

/** Both engines on the same random events: the comparison is only fair if they fire the same rules. */
export async function agreementOf(
  rules: readonly StoredRule[],
  jre: JsonRulesEngineSet,
  inputs: readonly EvaluationInput[],
  timeZone: string,
): Promise<Agreement> {
  const ours = compileRuleSet(rules, { timeZone });
  const exclusive = new Set(rules.filter((r) => r.definition.exclusive).map((r) => r.id));
  let agreed = 0;
  let firings = 0;
  let firstDifference: string | null = null;
  for (const [i, input] of inputs.entries()) {
    const a = ours
      .evaluate(input)
      .trace.filter((t) => t.fired)
      .map((t) => t.ruleId)
      .sort();
    const b = (await jre.fired(input, timeZone)).sort();
    if (a.some((id) => exclusive.has(id))) {
      throw new Error(`event ${i} fired an exclusive rule: the agreement check must not draw such events`);
    }
    if (a.join() === b.join()) {
      agreed++;
      firings += a.length;
    } else if (firstDifference === null) {
      firstDifference = `event ${i} (${input.event.type}, ${input.member.stage}): ours [${a.join()}], json-rules-engine [${b.join()}]`;
    }
  }
  return { events: inputs.length, agreed, firings, firstDifference };
}
