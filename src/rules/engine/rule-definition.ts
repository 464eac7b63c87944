/**
 * The rule JSON of DESIGN §3, as types. A brand writes rules as data (no code, no regular
 * expressions); `validateRule` turns untrusted input into a `RuleDefinition` with its
 * defaults filled, and `compileRuleSet` turns definitions into plain closures.
 */

export const PERIODS = ['day', 'week', 'month', 'lifetime'] as const;
export type Period = (typeof PERIODS)[number];

import type { Op } from './operators.js';

export { OPS, type Op } from './operators.js';

export const ROUNDINGS = ['floor', 'round', 'ceil'] as const;
export type Rounding = (typeof ROUNDINGS)[number];

export const RULE_STATUSES = ['active', 'paused', 'archived'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

export interface AllCondition {
  all: Condition[];
}
export interface AnyCondition {
  any: Condition[];
}
export interface NotCondition {
  not: Condition;
}
export interface FactCondition {
  fact: string;
  op: Op;
  value?: unknown;
}
export type Condition = AllCondition | AnyCondition | NotCondition | FactCondition;

export interface FixedPoints {
  fixed: number;
}
export interface PerUnitPoints {
  perUnit: { fact: string; rate: number; rounding: Rounding };
}
export type PointsReward = FixedPoints | PerUnitPoints;

export interface RuleReward {
  points?: PointsReward;
  /** Decimal string (e.g. "1.5"), never a float: it becomes an ERC-20 amount with 18 decimals. */
  token?: { amount: string };
}

export interface PerMemberLimit {
  count?: number;
  points?: number;
  period: Period;
}

export interface RuleLimits {
  perMember?: PerMemberLimit | null;
  cooldownSeconds?: number | null;
  budgetPoints?: number | null;
}

export interface RuleDefinition {
  name: string;
  description?: string | null;
  /** Empty = the rule applies in every stage. */
  stages: string[];
  /** One event type, built-in or the brand's own. */
  event: string;
  conditions?: Condition | null;
  reward: RuleReward;
  /** Forward-only move along the brand's journey. */
  advanceStage?: string | null;
  /** Unconditional move; may go backwards. */
  setStage?: string | null;
  limits?: RuleLimits | null;
  /** Higher runs first. */
  priority: number;
  /** When it fires, the rules after it are not evaluated. */
  exclusive: boolean;
  /** ISO date-times; the rule is live in [validFrom, validUntil). */
  validFrom?: string | null;
  validUntil?: string | null;
  status: RuleStatus;
  /** Per-rule override of the brand's pendingDays; null = the brand's setting. */
  pendingDays?: number | null;
}

/** Same pattern as DESIGN §2 for brand event types. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_.]{0,63}$/;

/**
 * Upper bound of one award. Points land in an integer ledger column, and a perUnit rule fed a
 * silly attribute (amount 1e30) must not produce a number the database or JS cannot hold.
 */
export const MAX_AWARD_POINTS = 1_000_000_000;

export function isFactCondition(condition: Condition): condition is FactCondition {
  return 'fact' in condition;
}
