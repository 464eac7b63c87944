import { compileCondition, type CompiledCondition } from './condition.js';
import { compilePointsFormula, type PointsFormula } from './reward.js';
import type { Period, RuleDefinition } from './rule-definition.js';

/** A stored rule version as the rule set receives it. */
export interface StoredRule {
  id: string;
  version: number;
  definition: RuleDefinition;
}

/**
 * One rule with everything an event needs precomputed: parsed validity window, stage set,
 * condition closure, points formula, limits as plain numbers (Infinity / 0 when absent), so
 * that evaluating it is comparisons and no parsing.
 */
export interface CompiledRule {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  readonly definition: RuleDefinition;
  readonly eventType: string;
  readonly active: boolean;
  readonly priority: number;
  readonly exclusive: boolean;
  readonly validFromMs: number;
  readonly validUntilMs: number;
  /** null = every stage. */
  readonly stages: ReadonlySet<string> | null;
  /** null = no conditions. */
  readonly condition: CompiledCondition | null;
  readonly points: PointsFormula | null;
  readonly tokenAmount: string | null;
  readonly advanceStage: string | null;
  readonly setStage: string | null;
  /** Usage is counted per this period; 'lifetime' for rules without a per-member limit. */
  readonly period: Period;
  readonly countLimit: number;
  readonly pointsLimit: number;
  readonly cooldownMs: number;
  /** null = no global budget. */
  readonly budgetPoints: number | null;
  readonly pendingDays: number | null;
}

/** @throws Error when the definition is not one `validateRule` would accept (corrupt row). */
export function compileRule(stored: StoredRule): CompiledRule {
  const { id, version, definition: rule } = stored;
  const limits = rule.limits ?? null;
  const perMember = limits?.perMember ?? null;
  return {
    id,
    version,
    name: rule.name,
    definition: rule,
    eventType: rule.event,
    active: rule.status === 'active',
    priority: rule.priority ?? 0,
    exclusive: rule.exclusive === true,
    validFromMs: instant(rule.validFrom, -Infinity, id),
    validUntilMs: instant(rule.validUntil, Infinity, id),
    stages: rule.stages !== undefined && rule.stages.length > 0 ? new Set(rule.stages) : null,
    condition: rule.conditions ? compileCondition(rule.conditions) : null,
    points: compilePointsFormula(rule.reward?.points),
    tokenAmount: rule.reward?.token?.amount ?? null,
    advanceStage: rule.advanceStage ?? null,
    setStage: rule.setStage ?? null,
    period: perMember?.period ?? 'lifetime',
    countLimit: perMember?.count ?? Infinity,
    pointsLimit: perMember?.points ?? Infinity,
    cooldownMs: (limits?.cooldownSeconds ?? 0) * 1000,
    budgetPoints: limits?.budgetPoints ?? null,
    pendingDays: rule.pendingDays ?? null,
  };
}

function instant(iso: string | null | undefined, absent: number, ruleId: string): number {
  if (iso === null || iso === undefined) {
    return absent;
  }
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new Error(`rule ${ruleId}: invalid date-time ${JSON.stringify(iso)}`);
  }
  return ms;
}

/** Evaluation order: priority high first, then id (code-unit order) so ties are deterministic. */
export function byEvaluationOrder(a: CompiledRule, b: CompiledRule): number {
  if (a.priority !== b.priority) {
    return b.priority - a.priority;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
