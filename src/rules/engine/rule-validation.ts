import { validateCondition, unknownFactMessage } from './condition-validation.js';
import { isKnownFact } from './facts.js';
import {
  EVENT_TYPE_PATTERN,
  MAX_AWARD_POINTS,
  PERIODS,
  ROUNDINGS,
  RULE_STATUSES,
  type Condition,
  type Period,
  type PerMemberLimit,
  type PointsReward,
  type Rounding,
  type RuleDefinition,
  type RuleLimits,
  type RuleReward,
  type RuleStatus,
} from './rule-definition.js';
import {
  given,
  indexPath,
  isNonNegativeInteger,
  isRecord,
  ValidationReport,
  type ValidationError,
} from './validation-report.js';

/**
 * Turns untrusted rule JSON (API body, stored row) into a `RuleDefinition` with its defaults
 * filled, or the list of faults with their JSON paths. Never throws: a brand's input is a 400
 * with paths, never a 500 (DESIGN §5).
 */

export type { ValidationError };
export type RuleValidation = { ok: true; rule: RuleDefinition } | { ok: false; errors: ValidationError[] };

export interface RuleValidationContext {
  /** The brand's journey stage keys. */
  stages: readonly string[];
}

export const MAX_NAME_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 2_000;
export const MAX_PRIORITY = 1_000_000_000;
export const MAX_PENDING_DAYS = 3_650;
/** Counters are JS numbers: stay well inside the safe-integer range. */
export const MAX_LIMIT = 1_000_000_000_000_000;
/** uint256 holds 77 digits; with 18 decimals that leaves 59 for the integer part. */
const TOKEN_AMOUNT = /^(0|[1-9][0-9]{0,58})(\.[0-9]{1,18})?$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

const ruleKeys = keySet(
  'name',
  'description',
  'stages',
  'event',
  'conditions',
  'reward',
  'advanceStage',
  'setStage',
  'limits',
  'priority',
  'exclusive',
  'validFrom',
  'validUntil',
  'status',
  'pendingDays',
);
const rewardKeys = keySet('points', 'token');
const pointsKeys = keySet('fixed', 'perUnit');
const perUnitKeys = keySet('fact', 'rate', 'rounding');
const tokenKeys = keySet('amount');
const limitsKeys = keySet('perMember', 'cooldownSeconds', 'budgetPoints');
const perMemberKeys = keySet('count', 'points', 'period');

export function validateRule(input: unknown, context: RuleValidationContext): RuleValidation {
  const report = new ValidationReport();
  let rule: RuleDefinition | null;
  try {
    rule = checkRule(input, new Set(context.stages), report);
  } catch {
    // Belt and braces: nothing above should throw, but a 500 for a client's JSON is worse than this.
    report.add('', 'the rule could not be read');
    rule = null;
  }
  return rule !== null && report.count === 0 ? { ok: true, rule } : { ok: false, errors: report.errors };
}

function checkRule(input: unknown, stages: ReadonlySet<string>, report: ValidationReport): RuleDefinition | null {
  if (!isRecord(input)) {
    report.add('', 'a rule must be a JSON object');
    return null;
  }
  report.refuseUnknownKeys(input, ruleKeys, '');

  const name = checkName(given(input, 'name'), report);
  const description = given(input, 'description');
  if (description !== undefined && (typeof description !== 'string' || description.length > MAX_DESCRIPTION_LENGTH)) {
    report.add('description', `must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  const ruleStages = checkStages(given(input, 'stages'), stages, report);

  const event = given(input, 'event');
  if (typeof event !== 'string' || event.length > 64 || !EVENT_TYPE_PATTERN.test(event)) {
    report.add('event', 'must be an event type: a lower-case letter, then up to 63 of a-z 0-9 _ .');
  }

  const conditionsInput = given(input, 'conditions');
  const conditions: Condition | null =
    conditionsInput === undefined ? null : validateCondition(conditionsInput, 'conditions', report);

  const errorsBeforeReward = report.count;
  const reward = checkReward(given(input, 'reward'), report);
  const advanceStage = checkStageKey(given(input, 'advanceStage'), 'advanceStage', stages, report);
  const setStage = checkStageKey(given(input, 'setStage'), 'setStage', stages, report);
  if (advanceStage !== null && setStage !== null) {
    report.add('setStage', 'use advanceStage (forward only) or setStage (any direction), not both');
  }
  if (report.count === errorsBeforeReward && !givesSomething(reward) && advanceStage === null && setStage === null) {
    report.add('reward', 'the rule gives nothing: add points, a token, advanceStage or setStage');
  }

  const limits = checkLimits(given(input, 'limits'), report);

  const priority = given(input, 'priority') ?? 0;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || Math.abs(priority) > MAX_PRIORITY) {
    report.add('priority', `must be an integer between -${MAX_PRIORITY} and ${MAX_PRIORITY}`);
  }
  const exclusive = given(input, 'exclusive') ?? false;
  if (typeof exclusive !== 'boolean') {
    report.add('exclusive', 'must be true or false');
  }

  const validFrom = checkDateTime(given(input, 'validFrom'), 'validFrom', report);
  const validUntil = checkDateTime(given(input, 'validUntil'), 'validUntil', report);
  if (validFrom !== null && validUntil !== null && Date.parse(validFrom) > Date.parse(validUntil)) {
    report.add('validUntil', 'must not be before validFrom');
  }

  const status = given(input, 'status') ?? 'active';
  if (!(RULE_STATUSES as readonly unknown[]).includes(status)) {
    report.add('status', `must be one of ${RULE_STATUSES.join(', ')}`);
  }
  const pendingDays = given(input, 'pendingDays');
  if (pendingDays !== undefined && !isNonNegativeInteger(pendingDays, MAX_PENDING_DAYS)) {
    report.add('pendingDays', `must be an integer from 0 to ${MAX_PENDING_DAYS}`);
  }

  if (report.count > 0) {
    return null;
  }
  return {
    name: name!,
    description: (description as string | undefined) ?? null,
    stages: ruleStages,
    event: event as string,
    conditions,
    reward,
    advanceStage,
    setStage,
    limits,
    priority: priority as number,
    exclusive: exclusive as boolean,
    validFrom,
    validUntil,
    status: status as RuleStatus,
    pendingDays: (pendingDays as number | undefined) ?? null,
  };
}

function checkName(name: unknown, report: ValidationReport): string | null {
  if (typeof name !== 'string') {
    report.add('name', 'required: a string');
    return null;
  }
  // Characters as people count them (code points), not UTF-16 units; the length check first
  // keeps a megabyte-long name from being walked.
  if (name.length > MAX_NAME_LENGTH * 2 || [...name].length > MAX_NAME_LENGTH) {
    report.add('name', `must be at most ${MAX_NAME_LENGTH} characters`);
    return null;
  }
  if (name.trim().length === 0) {
    report.add('name', 'must not be blank');
    return null;
  }
  return name;
}

function checkStages(input: unknown, stages: ReadonlySet<string>, report: ValidationReport): string[] {
  if (input === undefined) {
    return [];
  }
  if (!Array.isArray(input)) {
    report.add('stages', 'must be an array of stage keys (empty = every stage)');
    return [];
  }
  const seen = new Set<string>();
  for (let i = 0; i < input.length && !report.full; i++) {
    const stage: unknown = input[i];
    if (typeof stage !== 'string' || !stages.has(stage)) {
      report.add(indexPath('stages', i), unknownStageMessage(stages));
    } else if (seen.has(stage)) {
      report.add(indexPath('stages', i), `"${stage}" is listed twice`);
    } else {
      seen.add(stage);
    }
  }
  return [...seen];
}

function checkStageKey(
  input: unknown,
  path: string,
  stages: ReadonlySet<string>,
  report: ValidationReport,
): string | null {
  if (input === undefined) {
    return null;
  }
  if (typeof input !== 'string' || !stages.has(input)) {
    report.add(path, unknownStageMessage(stages));
    return null;
  }
  return input;
}

function unknownStageMessage(stages: ReadonlySet<string>): string {
  return `must be one of the brand's stages: ${[...stages].join(', ')}`;
}

function checkReward(input: unknown, report: ValidationReport): RuleReward {
  if (input === undefined) {
    return {};
  }
  if (!isRecord(input)) {
    report.add('reward', 'must be an object with points and/or token');
    return {};
  }
  report.refuseUnknownKeys(input, rewardKeys, 'reward');
  const reward: RuleReward = {};
  const points = checkPoints(given(input, 'points'), report);
  if (points !== null) {
    reward.points = points;
  }

  const token = given(input, 'token');
  if (token !== undefined) {
    if (!isRecord(token)) {
      report.add('reward.token', 'must be an object: {"amount": "1.5"}');
    } else {
      report.refuseUnknownKeys(token, tokenKeys, 'reward.token');
      const amount = given(token, 'amount');
      if (!isTokenAmount(amount)) {
        report.add('reward.token.amount', 'must be a positive decimal string with at most 18 decimals, e.g. "1.5"');
      } else {
        reward.token = { amount };
      }
    }
  }
  return reward;
}

function checkPoints(input: unknown, report: ValidationReport): PointsReward | null {
  if (input === undefined) {
    return null;
  }
  if (!isRecord(input)) {
    report.add('reward.points', 'must be {"fixed": n} or {"perUnit": {...}}');
    return null;
  }
  report.refuseUnknownKeys(input, pointsKeys, 'reward.points');
  const fixed = given(input, 'fixed');
  const perUnit = given(input, 'perUnit');
  if ((fixed === undefined) === (perUnit === undefined)) {
    report.add('reward.points', 'must hold exactly one of fixed or perUnit');
    return null;
  }
  if (fixed !== undefined) {
    if (!isNonNegativeInteger(fixed, MAX_AWARD_POINTS)) {
      report.add('reward.points.fixed', `must be a whole number of points from 0 to ${MAX_AWARD_POINTS}`);
      return null;
    }
    return { fixed };
  }
  if (!isRecord(perUnit)) {
    report.add('reward.points.perUnit', 'must be {"fact", "rate", "rounding"}');
    return null;
  }
  const before = report.count;
  report.refuseUnknownKeys(perUnit, perUnitKeys, 'reward.points.perUnit');
  const fact = given(perUnit, 'fact');
  if (typeof fact !== 'string') {
    report.add('reward.points.perUnit.fact', 'required: a numeric fact such as "event.amount"');
  } else if (!isKnownFact(fact)) {
    report.add('reward.points.perUnit.fact', unknownFactMessage(fact));
  }
  const rate = given(perUnit, 'rate');
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
    report.add('reward.points.perUnit.rate', 'must be a finite number ≥ 0');
  }
  const rounding = given(perUnit, 'rounding') ?? 'floor';
  if (!(ROUNDINGS as readonly unknown[]).includes(rounding)) {
    report.add('reward.points.perUnit.rounding', `must be one of ${ROUNDINGS.join(', ')}`);
  }
  if (report.count !== before) {
    return null;
  }
  return { perUnit: { fact: fact as string, rate: rate as number, rounding: rounding as Rounding } };
}

function givesSomething(reward: RuleReward): boolean {
  if (reward.token !== undefined) {
    return true;
  }
  const points = reward.points;
  if (points === undefined) {
    return false;
  }
  return 'fixed' in points ? points.fixed > 0 : points.perUnit.rate > 0;
}

function isTokenAmount(amount: unknown): amount is string {
  return typeof amount === 'string' && amount.length <= 80 && TOKEN_AMOUNT.test(amount) && /[1-9]/.test(amount);
}

function checkLimits(input: unknown, report: ValidationReport): RuleLimits | null {
  if (input === undefined) {
    return null;
  }
  if (!isRecord(input)) {
    report.add('limits', 'must be an object with perMember, cooldownSeconds and/or budgetPoints');
    return null;
  }
  report.refuseUnknownKeys(input, limitsKeys, 'limits');
  const limits: RuleLimits = { perMember: null, cooldownSeconds: null, budgetPoints: null };

  const perMember = given(input, 'perMember');
  if (perMember !== undefined) {
    if (!isRecord(perMember)) {
      report.add('limits.perMember', 'must be {"count"?, "points"?, "period"}');
    } else {
      report.refuseUnknownKeys(perMember, perMemberKeys, 'limits.perMember');
      const count = given(perMember, 'count');
      const points = given(perMember, 'points');
      const period = given(perMember, 'period');
      if (count !== undefined && !isNonNegativeInteger(count, MAX_LIMIT)) {
        report.add('limits.perMember.count', 'must be a whole number ≥ 0');
      }
      if (points !== undefined && !isNonNegativeInteger(points, MAX_LIMIT)) {
        report.add('limits.perMember.points', 'must be a whole number of points ≥ 0');
      }
      if (count === undefined && points === undefined) {
        report.add('limits.perMember', 'set count, points or both');
      }
      if (!(PERIODS as readonly unknown[]).includes(period)) {
        report.add('limits.perMember.period', `required: one of ${PERIODS.join(', ')}`);
      }
      const limit: PerMemberLimit = { period: period as Period };
      if (count !== undefined) {
        limit.count = count as number;
      }
      if (points !== undefined) {
        limit.points = points as number;
      }
      limits.perMember = limit;
    }
  }
  const cooldownSeconds = given(input, 'cooldownSeconds');
  if (cooldownSeconds !== undefined) {
    if (!isNonNegativeInteger(cooldownSeconds, MAX_LIMIT)) {
      report.add('limits.cooldownSeconds', 'must be a whole number of seconds ≥ 0');
    } else {
      limits.cooldownSeconds = cooldownSeconds;
    }
  }
  const budgetPoints = given(input, 'budgetPoints');
  if (budgetPoints !== undefined) {
    if (!isNonNegativeInteger(budgetPoints, MAX_LIMIT)) {
      report.add('limits.budgetPoints', 'must be a whole number of points ≥ 0');
    } else {
      limits.budgetPoints = budgetPoints;
    }
  }
  return limits;
}

function checkDateTime(input: unknown, path: string, report: ValidationReport): string | null {
  if (input === undefined) {
    return null;
  }
  if (typeof input !== 'string' || !isIsoDateTime(input)) {
    report.add(path, 'must be an ISO 8601 date-time with a zone, e.g. "2026-01-01T00:00:00Z"');
    return null;
  }
  return input;
}

/** Date.parse alone accepts 2026-02-30 (as March 2) and 24:00; a brand meant neither. */
function isIsoDateTime(text: string): boolean {
  if (text.length > 40) {
    return false;
  }
  const match = ISO_DATE_TIME.exec(text);
  if (match === null) {
    return false;
  }
  const [, year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match.map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    (Number.isNaN(second) || second <= 59) &&
    (Number.isNaN(offsetHours) || (offsetHours <= 23 && offsetMinutes <= 59)) &&
    Number.isFinite(Date.parse(text))
  );
}

function keySet(...keys: string[]): ReadonlySet<string> {
  return new Set(keys);
}
