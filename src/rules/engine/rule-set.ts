import { byEvaluationOrder, compileRule, type CompiledRule, type StoredRule } from './compiled-rule.js';
import type { Evaluation, EvaluationInput, RuleTrace, RuleUsage, StageMove } from './evaluation.js';
import { buildFacts, type Facts } from './facts.js';
import { periodStartMs } from './period.js';
import { applyTierMultiplier } from './reward.js';
import type { Period } from './rule-definition.js';
import { timeZone, type TimeZone } from './time-zone.js';

/**
 * A brand's rules compiled once per rule-set version and reused for every event.
 *
 * Per event: only the active rules listening to its type are looked at (pre-indexed, and
 * pre-filtered by the member's stage), in priority order (high first, then id). A rule fires
 * when its validity window, stage scope and conditions hold, its cooldown has passed, and its
 * per-member count/points limit and global budget are not used up. Its points (fixed, or a
 * numeric fact × rate, rounded) get the tier multiplier (floored), then are capped to what is
 * left of the per-member points limit and of the budget, so limits are never exceeded. A rule
 * that would give nothing (0 points, no token, no stage change) does not fire.
 *
 * Stage: the highest-priority fired rule that would change the member's stage decides the
 * move (advanceStage only forward in `stageOrder`; setStage any way); later moves are no
 * effect. An `exclusive` rule that fires stops the rules after it.
 */
export interface CompiledRuleSet {
  readonly timeZone: string;
  /** Active rules taking part. */
  readonly size: number;
  evaluate(input: EvaluationInput): Evaluation;
}

export interface RuleSetOptions {
  /** The brand's IANA time zone: periods and `time.*` facts follow it. */
  timeZone: string;
}

/**
 * @throws RangeError for an unknown time zone; Error for duplicate rule ids or a definition
 *   that does not compile (validate with `validateRule` before storing).
 */
export function compileRuleSet(rules: readonly StoredRule[], options: RuleSetOptions): CompiledRuleSet {
  return new RuleSet(rules, options.timeZone);
}

/** How many distinct member stages an event type remembers a filtered rule list for. */
const STAGE_MEMO_LIMIT = 64;

/** The active rules of one event type, in evaluation order. */
class EventRules {
  private readonly byStage = new Map<string, readonly CompiledRule[]>();

  constructor(readonly all: readonly CompiledRule[]) {}

  /** The rules whose stage scope admits `stage`, filtered once per stage and remembered. */
  forStage(stage: string): readonly CompiledRule[] {
    let rules = this.byStage.get(stage);
    if (rules === undefined) {
      rules = this.all.filter((rule) => rule.stages === null || rule.stages.has(stage));
      if (this.byStage.size < STAGE_MEMO_LIMIT) {
        this.byStage.set(stage, rules);
      }
    }
    return rules;
  }
}

class RuleSet implements CompiledRuleSet {
  readonly size: number;
  readonly timeZone: string;
  private readonly zone: TimeZone;
  private readonly everyRule: readonly CompiledRule[];
  private readonly byEvent = new Map<string, EventRules>();

  constructor(rules: readonly StoredRule[], timeZoneName: string) {
    this.timeZone = timeZoneName;
    this.zone = timeZone(timeZoneName);
    const compiled = rules.map(compileRule).sort(byEvaluationOrder);
    const ids = new Set<string>();
    for (const rule of compiled) {
      if (ids.has(rule.id)) {
        throw new Error(`rule ${rule.id} appears twice in the rule set`);
      }
      ids.add(rule.id);
    }
    this.everyRule = compiled;
    const active = compiled.filter((rule) => rule.active);
    this.size = active.length;
    const grouped = new Map<string, CompiledRule[]>();
    for (const rule of active) {
      const list = grouped.get(rule.eventType);
      if (list === undefined) {
        grouped.set(rule.eventType, [rule]);
      } else {
        list.push(rule);
      }
    }
    for (const [eventType, list] of grouped) {
      this.byEvent.set(eventType, new EventRules(list));
    }
  }

  evaluate(input: EvaluationInput): Evaluation {
    const occurredMs = input.event.occurredAt.getTime();
    if (Number.isNaN(occurredMs)) {
      throw new RangeError('event.occurredAt is not a valid date');
    }
    const multiplier = input.tierMultiplier;
    if (!Number.isFinite(multiplier) || multiplier < 0) {
      throw new RangeError(`tierMultiplier must be a finite number ≥ 0, got ${multiplier}`);
    }
    const explain = input.explain === true;
    const evaluation: Evaluation = {
      points: [],
      tokens: [],
      stage: null,
      usage: new Map(),
      budgetSpent: new Map(),
      trace: [],
    };
    const eventRules = this.byEvent.get(input.event.type);
    if (eventRules !== undefined) {
      const candidates = explain ? eventRules.all : eventRules.forStage(input.member.stage);
      if (candidates.length > 0) {
        this.run(candidates, input, occurredMs, explain, evaluation);
      }
    }
    if (explain) {
      this.traceBystanders(input.event.type, evaluation.trace);
    }
    return evaluation;
  }

  private run(
    candidates: readonly CompiledRule[],
    input: EvaluationInput,
    occurredMs: number,
    explain: boolean,
    evaluation: Evaluation,
  ): void {
    const facts: Facts = buildFacts({ event: input.event, member: input.member, timeZone: this.zone });
    const memberStage = input.member.stage;
    const { stageOrder, usage: usageByRule, budgetRemaining, tierMultiplier } = input;
    const zone = this.zone;
    // Period starts are the same for every rule of the event: compute each at most once.
    let dayStart = NaN;
    let weekStart = NaN;
    let monthStart = NaN;
    const periodStartOf = (period: Period): number => {
      switch (period) {
        case 'lifetime':
          return 0;
        case 'day':
          return dayStart === dayStart ? dayStart : (dayStart = periodStartMs(occurredMs, period, zone));
        case 'week':
          return weekStart === weekStart ? weekStart : (weekStart = periodStartMs(occurredMs, period, zone));
        case 'month':
          return monthStart === monthStart ? monthStart : (monthStart = periodStartMs(occurredMs, period, zone));
      }
    };
    // Usage entries share their Date objects (most fired rules have the same period start
    // and the same lastFiredAt): fewer allocations per event. Treat them as immutable.
    // (A handful of distinct instants per event: a linear scan beats a Map here.)
    const dateMs: number[] = [];
    const dates: Date[] = [];
    const dateAt = (ms: number): Date => {
      for (let d = 0; d < dateMs.length; d++) {
        if (dateMs[d] === ms) {
          return dates[d];
        }
      }
      const date = new Date(ms);
      dateMs.push(ms);
      dates.push(date);
      return date;
    };
    let stopper: CompiledRule | null = null;

    for (let i = 0; i < candidates.length; i++) {
      const rule = candidates[i];
      if (stopper !== null) {
        // Only reached when explaining; otherwise the loop ends at the exclusive rule.
        skip(evaluation, rule, `stopped by exclusive rule ${stopper.id}`);
        continue;
      }
      if (occurredMs < rule.validFromMs) {
        if (explain) {
          skip(evaluation, rule, `not valid yet (validFrom ${rule.definition.validFrom})`);
        }
        continue;
      }
      if (occurredMs >= rule.validUntilMs) {
        if (explain) {
          skip(evaluation, rule, `no longer valid (validUntil ${rule.definition.validUntil})`);
        }
        continue;
      }
      if (rule.stages !== null && !rule.stages.has(memberStage)) {
        if (explain) {
          skip(evaluation, rule, `member stage "${memberStage}" is not one of ${[...rule.stages].join(', ')}`);
        }
        continue;
      }
      if (rule.condition !== null && !rule.condition.test(facts)) {
        if (explain) {
          skip(evaluation, rule, `condition failed: ${rule.condition.explain(facts)}`);
        }
        continue;
      }

      const usage = usageByRule.get(rule.id);
      const lastFiredMs = usage?.lastFiredAt ? usage.lastFiredAt.getTime() : NaN;
      if (rule.cooldownMs > 0 && occurredMs - lastFiredMs < rule.cooldownMs) {
        if (explain) {
          const left = Math.ceil((rule.cooldownMs - (occurredMs - lastFiredMs)) / 1000);
          skip(evaluation, rule, `cooldown: fired at ${usage!.lastFiredAt!.toISOString()}, ${left} s left`);
        }
        continue;
      }
      const currentPeriodMs = periodStartOf(rule.period);
      let usagePeriodMs = currentPeriodMs;
      let usedCount = 0;
      let usedPoints = 0;
      if (usage !== undefined) {
        const storedPeriodMs = usage.periodStart.getTime();
        // Usage from an earlier period has reset; a later one (event sent out of order) still counts.
        if (storedPeriodMs >= currentPeriodMs) {
          usagePeriodMs = storedPeriodMs;
          usedCount = usage.count;
          usedPoints = usage.points;
        }
      }
      if (usedCount >= rule.countLimit) {
        if (explain) {
          skip(evaluation, rule, `per-member limit reached: ${usedCount} of ${rule.countLimit} per ${rule.period}`);
        }
        continue;
      }
      if (usedPoints >= rule.pointsLimit) {
        if (explain) {
          skip(
            evaluation,
            rule,
            `per-member points limit reached: ${usedPoints} of ${rule.pointsLimit} per ${rule.period}`,
          );
        }
        continue;
      }
      let budgetLeft = Infinity;
      if (rule.budgetPoints !== null) {
        budgetLeft = Math.floor(budgetRemaining.get(rule.id) ?? rule.budgetPoints);
        if (!(budgetLeft > 0)) {
          if (explain) {
            skip(evaluation, rule, 'budget used up');
          }
          continue;
        }
      }

      let points = 0;
      let capNote = '';
      if (rule.points !== null) {
        const base = rule.points(facts);
        if (base !== base) {
          if (explain) {
            skip(evaluation, rule, `perUnit fact is missing or not a number`);
          }
          continue;
        }
        const earned = applyTierMultiplier(base, tierMultiplier);
        const memberLeft = rule.pointsLimit - usedPoints;
        points = Math.min(earned, memberLeft, budgetLeft);
        if (points < earned) {
          capNote = `; ${earned} points capped to ${points} by the ${memberLeft <= budgetLeft ? 'per-member points limit' : 'remaining budget'}`;
        }
      }

      let move: StageMove | null = null;
      if (evaluation.stage === null) {
        move = stageMoveOf(rule, memberStage, stageOrder);
      }
      if (points === 0 && rule.tokenAmount === null && move === null) {
        if (explain) {
          skip(evaluation, rule, noEffectReason(rule, evaluation.stage));
        }
        continue;
      }

      if (points > 0) {
        evaluation.points.push({ ruleId: rule.id, ruleVersion: rule.version, points, pendingDays: rule.pendingDays });
        if (rule.budgetPoints !== null) {
          evaluation.budgetSpent.set(rule.id, points);
        }
      }
      if (rule.tokenAmount !== null) {
        evaluation.tokens.push({ ruleId: rule.id, ruleVersion: rule.version, amount: rule.tokenAmount });
      }
      if (move !== null) {
        evaluation.stage = move;
      }
      const newUsage: RuleUsage = {
        periodStart: dateAt(usagePeriodMs),
        count: usedCount + 1,
        points: usedPoints + points,
        // Out-of-order events must not move the cooldown clock backwards.
        lastFiredAt: dateAt(lastFiredMs > occurredMs ? lastFiredMs : occurredMs),
      };
      evaluation.usage.set(rule.id, newUsage);
      evaluation.trace.push({
        ruleId: rule.id,
        ruleVersion: rule.version,
        name: rule.name,
        fired: true,
        reason: capNote === '' ? 'fired' : `fired${capNote}`,
        points,
      });
      if (rule.exclusive) {
        if (!explain) {
          break;
        }
        stopper = rule;
      }
    }
  }

  /** Simulation: rules of the set that never were candidates for this event. */
  private traceBystanders(eventType: string, trace: RuleTrace[]): void {
    for (const rule of this.everyRule) {
      if (!rule.active) {
        trace.push(notFired(rule, `status is ${rule.definition.status}`));
      } else if (rule.eventType !== eventType) {
        trace.push(notFired(rule, `listens to "${rule.eventType}" events, not "${eventType}"`));
      }
    }
  }
}

/** The stage change this rule would make, or null when it would not change anything. */
function stageMoveOf(rule: CompiledRule, memberStage: string, stageOrder: readonly string[]): StageMove | null {
  if (rule.advanceStage !== null) {
    const to = stageOrder.indexOf(rule.advanceStage);
    // A member in a stage the brand has since removed (index -1) may advance to any stage.
    return to >= 0 && to > stageOrder.indexOf(memberStage)
      ? { to: rule.advanceStage, ruleId: rule.id, mode: 'advance' }
      : null;
  }
  if (rule.setStage !== null) {
    return rule.setStage !== memberStage && stageOrder.includes(rule.setStage)
      ? { to: rule.setStage, ruleId: rule.id, mode: 'set' }
      : null;
  }
  return null;
}

function noEffectReason(rule: CompiledRule, decided: StageMove | null): string {
  const parts = [rule.points !== null ? '0 points' : 'no points', 'no token'];
  const target = rule.advanceStage ?? rule.setStage;
  if (target === null) {
    parts.push('no stage move');
  } else if (decided !== null) {
    parts.push(`stage move already decided by rule ${decided.ruleId}`);
  } else {
    parts.push(`no stage change (${rule.advanceStage !== null ? 'advance' : 'set'} to "${target}")`);
  }
  return `no effect: ${parts.join(', ')}`;
}

function notFired(rule: CompiledRule, reason: string): RuleTrace {
  return { ruleId: rule.id, ruleVersion: rule.version, name: rule.name, fired: false, reason };
}

function skip(evaluation: Evaluation, rule: CompiledRule, reason: string): void {
  evaluation.trace.push(notFired(rule, reason));
}
