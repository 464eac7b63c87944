import { factReader, type Facts } from './facts.js';
import { type Comparison, isOp, OPERATORS } from './operators.js';
import type { Condition, FactCondition } from './rule-definition.js';

/**
 * Rule conditions compiled to plain closures, once per rule-set version. Values a leaf
 * compares against are prepared at compile time (a Set for `in`, numbers parsed once), so an
 * event costs a few property reads and comparisons per leaf.
 *
 * Semantics a brand can rely on:
 * - A missing fact (absent attribute, or null such as a member with no tier) makes every op
 *   false, `neq` and `nin` included; only `exists: false` is true for it. So
 *   `{fact: "member.tier", op: "neq", value: "gold"}` needs a tier; to also match members
 *   without one, write `{not: {fact: "member.tier", op: "eq", value: "gold"}}`.
 * - A number in the rule compares numerically, and a fact that is a numeric string ("59.90")
 *   reads as its number. Strings and booleans compare exactly (no case folding, "5" ≠ 5).
 * - `contains`: substring on a string fact (string values only), element on an array fact.
 * - `between: [lo, hi]` includes both ends.
 * - `all: []` holds; `any: []` does not.
 */

export type ConditionTest = (facts: Facts) => boolean;

export interface CompiledCondition {
  /** The hot-path predicate. */
  readonly test: ConditionTest;
  /** Simulation: null when the condition holds, else which leaf failed, by its JSON path. */
  readonly explain: (facts: Facts) => string | null;
}

const always: CompiledCondition = { test: () => true, explain: () => null };

export function compileCondition(condition: Condition | null | undefined, path = 'conditions'): CompiledCondition {
  if (condition === null || condition === undefined) {
    return always;
  }
  return { test: compileTest(condition), explain: compileExplain(condition, path) };
}

function compileTest(condition: Condition): ConditionTest {
  if ('all' in condition) {
    const parts = condition.all.map(compileTest);
    if (parts.length === 1) {
      return parts[0];
    }
    if (parts.length === 2) {
      const [a, b] = parts;
      return (facts) => a(facts) && b(facts);
    }
    return (facts) => {
      for (let i = 0; i < parts.length; i++) {
        if (!parts[i](facts)) {
          return false;
        }
      }
      return true;
    };
  }
  if ('any' in condition) {
    const parts = condition.any.map(compileTest);
    if (parts.length === 1) {
      return parts[0];
    }
    return (facts) => {
      for (let i = 0; i < parts.length; i++) {
        if (parts[i](facts)) {
          return true;
        }
      }
      return false;
    };
  }
  if ('not' in condition) {
    const inner = compileTest(condition.not);
    return (facts) => !inner(facts);
  }
  const read = factReader(condition.fact);
  const matches = compileComparison(condition);
  return (facts) => matches(read(facts));
}

function compileExplain(condition: Condition, path: string): (facts: Facts) => string | null {
  if ('all' in condition) {
    const parts = condition.all.map((child, i) => compileExplain(child, `${path}.all[${i}]`));
    return (facts) => {
      for (const part of parts) {
        const failure = part(facts);
        if (failure !== null) {
          return failure;
        }
      }
      return null;
    };
  }
  if ('any' in condition) {
    const parts = condition.any.map((child, i) => compileExplain(child, `${path}.any[${i}]`));
    return (facts) => {
      const failures: string[] = [];
      for (const part of parts) {
        const failure = part(facts);
        if (failure === null) {
          return null;
        }
        failures.push(failure);
      }
      return `${path}: none of the ${parts.length} alternatives holds (${failures.join('; ')})`;
    };
  }
  if ('not' in condition) {
    const inner = compileTest(condition.not);
    return (facts) => (inner(facts) ? `${path}: the condition under "not" holds` : null);
  }
  const read = factReader(condition.fact);
  const matches = compileComparison(condition);
  return (facts) => {
    const actual = read(facts);
    if (matches(actual)) {
      return null;
    }
    const shown = actual === undefined || actual === null ? 'missing' : `= ${preview(actual)}`;
    const value = condition.value === undefined ? '' : ` ${preview(condition.value)}`;
    return `${path}: ${condition.fact} ${condition.op}${value} does not hold (${condition.fact} ${shown})`;
  };
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * @throws Error for an op or value shape `validateRule` refuses (definitions are validated
 *   before they are compiled; this keeps a corrupt row from silently matching).
 */
export function compileComparison(leaf: FactCondition): Comparison {
  if (!isOp(leaf.op)) {
    throw invalid(leaf);
  }
  return OPERATORS[leaf.op].compile(leaf.value, () => invalid(leaf));
}

function invalid(leaf: FactCondition): Error {
  return new Error(`invalid condition: ${preview(leaf)}`);
}
