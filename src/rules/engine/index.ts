/** The rules engine core (DESIGN §3): pure TypeScript, no Nest, no TypeORM, no I/O. */

export {
  EVENT_TYPE_PATTERN,
  MAX_AWARD_POINTS,
  OPS,
  PERIODS,
  ROUNDINGS,
  RULE_STATUSES,
  isFactCondition,
  type AllCondition,
  type AnyCondition,
  type Condition,
  type FactCondition,
  type FixedPoints,
  type NotCondition,
  type Op,
  type PerMemberLimit,
  type PerUnitPoints,
  type Period,
  type PointsReward,
  type Rounding,
  type RuleDefinition,
  type RuleLimits,
  type RuleReward,
  type RuleStatus,
} from './rule-definition.js';
export {
  MAX_DESCRIPTION_LENGTH,
  MAX_LIMIT,
  MAX_NAME_LENGTH,
  MAX_PENDING_DAYS,
  MAX_PRIORITY,
  validateRule,
  type RuleValidation,
  type RuleValidationContext,
  type ValidationError,
} from './rule-validation.js';
export {
  MAX_CONDITION_DEPTH,
  MAX_CONDITION_LEAVES,
  MAX_CONDITION_NODES,
  MAX_LIST_LENGTH,
  MAX_VALUE_LENGTH,
} from './condition-validation.js';
export { compileCondition, type CompiledCondition, type ConditionTest } from './condition.js';
export {
  EVENT_ATTRIBUTE_PATTERN,
  MEMBER_FACTS,
  TIME_FACTS,
  buildFacts,
  factReader,
  isKnownFact,
  readFact,
  type FactReader,
  type Facts,
  type FactsInput,
  type MemberFacts,
  type TimeFacts,
} from './facts.js';
export { factNumber } from './fact-number.js';
export { periodStart, periodStartMs } from './period.js';
export { TimeZone, timeZone } from './time-zone.js';
export type {
  EvaluationInput,
  Evaluation,
  EventInput,
  MemberSnapshot,
  PointsAward,
  RuleTrace,
  RuleUsage,
  StageMove,
  TokenAward,
} from './evaluation.js';
export type { CompiledRule, StoredRule } from './compiled-rule.js';
export { compileRuleSet, type CompiledRuleSet, type RuleSetOptions } from './rule-set.js';
