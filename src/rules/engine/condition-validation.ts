import { EVENT_ATTRIBUTE_PATTERN, isKnownFact } from './facts.js';
import { isOp, OPERATORS, OPS } from './operators.js';
import type { Condition, FactCondition } from './rule-definition.js';
import { childPath, indexPath, isRecord, type ValidationReport } from './validation-report.js';

/**
 * Validation of a rule's condition tree. Conditions are compiled to closures and run for
 * every event, so their size is bounded; and since the input is untrusted JSON, depth is
 * checked before a child is looked at, so a 100,000-deep `not` chain costs 10 steps, not a
 * stack overflow.
 */

export const MAX_CONDITION_DEPTH = 10;
export const MAX_CONDITION_LEAVES = 200;
/** Groups count too, so a flood of empty `all: []` cannot make validation or compilation slow. */
export const MAX_CONDITION_NODES = 1_000;
export { MAX_LIST_LENGTH, MAX_VALUE_LENGTH } from './operators.js';

const groupKeys = ['all', 'any', 'not'] as const;
const leafKeys: ReadonlySet<string> = new Set(['fact', 'op', 'value']);
const KIND_HINT = 'a condition is one of {"all": [...]}, {"any": [...]}, {"not": {...}} or {"fact", "op", "value"}';

interface Budget {
  nodes: number;
  leaves: number;
  exceeded: boolean;
}

/** @returns the normalized condition, or null after adding errors to `report`. */
export function validateCondition(input: unknown, path: string, report: ValidationReport): Condition | null {
  const budget: Budget = { nodes: 0, leaves: 0, exceeded: false };
  return visit(input, path, 1, budget, report, path);
}

function visit(
  input: unknown,
  path: string,
  depth: number,
  budget: Budget,
  report: ValidationReport,
  rootPath: string,
): Condition | null {
  if (depth > MAX_CONDITION_DEPTH) {
    report.add(path, `conditions nest deeper than ${MAX_CONDITION_DEPTH} levels`);
    return null;
  }
  if (++budget.nodes > MAX_CONDITION_NODES) {
    budget.exceeded = true;
    report.add(rootPath, `more than ${MAX_CONDITION_NODES} conditions and groups`);
    return null;
  }
  if (!isRecord(input)) {
    report.add(path, `must be an object: ${KIND_HINT}`);
    return null;
  }
  const kinds = groupKeys.filter((key) => Object.hasOwn(input, key));
  const isLeaf = Object.hasOwn(input, 'fact') || Object.hasOwn(input, 'op');
  if (kinds.length + (isLeaf ? 1 : 0) !== 1) {
    report.add(path, kinds.length + (isLeaf ? 1 : 0) === 0 ? KIND_HINT : `mixes several kinds: ${KIND_HINT}`);
    return null;
  }
  if (isLeaf) {
    return visitLeaf(input, path, budget, report, rootPath);
  }

  const kind = kinds[0];
  report.refuseUnknownKeys(input, new Set([kind]), path);
  const childrenPath = childPath(path, kind);
  if (kind === 'not') {
    const inner = visit(input.not, childrenPath, depth + 1, budget, report, rootPath);
    return inner === null ? null : { not: inner };
  }
  const list = input[kind];
  if (!Array.isArray(list)) {
    report.add(childrenPath, 'must be an array of conditions');
    return null;
  }
  if (kind === 'any' && list.length === 0) {
    report.add(childrenPath, 'must list at least one condition (an empty "any" never holds)');
    return null;
  }
  const children: Condition[] = [];
  let ok = true;
  for (let i = 0; i < list.length && !budget.exceeded; i++) {
    const child = visit(list[i], indexPath(childrenPath, i), depth + 1, budget, report, rootPath);
    if (child === null) {
      ok = false;
    } else {
      children.push(child);
    }
  }
  if (!ok || budget.exceeded) {
    return null;
  }
  return kind === 'all' ? { all: children } : { any: children };
}

function visitLeaf(
  input: Record<string, unknown>,
  path: string,
  budget: Budget,
  report: ValidationReport,
  rootPath: string,
): FactCondition | null {
  if (++budget.leaves > MAX_CONDITION_LEAVES) {
    budget.exceeded = true;
    report.add(rootPath, `more than ${MAX_CONDITION_LEAVES} conditions`);
    return null;
  }
  const before = report.count;
  report.refuseUnknownKeys(input, leafKeys, path);
  const fact = input.fact;
  if (typeof fact !== 'string') {
    report.add(childPath(path, 'fact'), 'required: a fact name such as "event.amount" or "member.tier"');
  } else if (!isKnownFact(fact)) {
    report.add(childPath(path, 'fact'), unknownFactMessage(fact));
  }
  const op = input.op;
  if (!isOp(op)) {
    report.add(childPath(path, 'op'), `must be one of ${OPS.join(', ')}`);
    return null;
  }
  const value = OPERATORS[op].validate(
    Object.hasOwn(input, 'value') ? input.value : undefined,
    childPath(path, 'value'),
    report,
  );
  if (report.count !== before) {
    return null;
  }
  const leaf: FactCondition = { fact: fact as string, op };
  if (value !== undefined) {
    leaf.value = value;
  }
  return leaf;
}

export function unknownFactMessage(fact: string): string {
  const shown = fact.length > 100 ? `${fact.slice(0, 100)}…` : fact;
  const attribute = shown.startsWith('event.') ? shown.slice(6) : null;
  if (attribute !== null && !EVENT_ATTRIBUTE_PATTERN.test(attribute)) {
    return `unknown fact ${JSON.stringify(shown)}: an event attribute name is a letter then up to 63 letters, digits or _`;
  }
  return `unknown fact ${JSON.stringify(shown)}: use event.<attribute>, member.(stage|tier|enrolledDaysAgo|purchaseCount|referralCount|lifetimePoints|daysSinceLastPurchase|source|referred) or time.(dayOfWeek|hour)`;
}
