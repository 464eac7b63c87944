import { factNumber } from './fact-number.js';
import { indexPath, type ValidationReport } from './validation-report.js';

/**
 * Every comparison a rule leaf can make, each with its validator and its compiler, in one table
 * (as json-rules-engine's engine-default-operators.js): adding an op is adding one entry.
 */

/** A rule value is a threshold or a label, not a document. */
export const MAX_VALUE_LENGTH = 1_000;
export const MAX_LIST_LENGTH = 10_000;

/** A compiled leaf: does the fact's value satisfy it? */
export type Comparison = (actual: unknown) => boolean;

export interface Operator {
  /** Checks a rule's value (faults go to `report`); answers the value to keep (undefined for a valueless `exists`). */
  validate(value: unknown, path: string, report: ValidationReport): unknown;
  /** Compiles a validated value; `invalid` is thrown for a value `validate` refuses (a corrupt row never matches silently). */
  compile(value: unknown, invalid: () => Error): Comparison;
}

const isMissing = (actual: unknown): boolean => actual === undefined || actual === null;

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function checkScalar(value: unknown, path: string, report: ValidationReport): void {
  if (typeof value === 'string') {
    if (value.length > MAX_VALUE_LENGTH) {
      report.add(path, `must be at most ${MAX_VALUE_LENGTH} characters`);
    }
  } else if (typeof value !== 'boolean' && !isFiniteNumber(value)) {
    report.add(path, 'must be a string, a finite number or a boolean');
  }
}

function requireNumber(value: unknown, invalid: () => Error): number {
  if (!isFiniteNumber(value)) {
    throw invalid();
  }
  return value;
}

/** Equality with one rule value: numerically for a number, exactly for a string or boolean. */
function compileEquals(value: unknown, invalid: () => Error): Comparison {
  if (typeof value === 'number') {
    const n = requireNumber(value, invalid);
    return (actual) => factNumber(actual) === n;
  }
  if (typeof value === 'string' || typeof value === 'boolean') {
    return (actual) => actual === value;
  }
  throw invalid();
}

function compileMembership(value: unknown, invalid: () => Error): Comparison {
  if (!Array.isArray(value)) {
    throw invalid();
  }
  const strings = new Set<string>();
  const numbers = new Set<number>();
  const booleans = new Set<boolean>();
  for (const item of value) {
    if (typeof item === 'string') {
      strings.add(item);
    } else if (typeof item === 'number') {
      numbers.add(requireNumber(item, invalid));
    } else if (typeof item === 'boolean') {
      booleans.add(item);
    } else {
      throw invalid();
    }
  }
  const hasNumbers = numbers.size > 0;
  return (actual) => {
    switch (typeof actual) {
      case 'string':
        return strings.has(actual) || (hasNumbers && numbers.has(factNumber(actual)));
      case 'number':
        return numbers.has(actual);
      case 'boolean':
        return booleans.has(actual);
      default:
        return false;
    }
  };
}

const scalarValue =
  (op: string) =>
  (value: unknown, path: string, report: ValidationReport): unknown => {
    if (value === undefined) {
      report.add(path, `required for ${op}: a string, number or boolean`);
    } else {
      checkScalar(value, path, report);
    }
    return value;
  };

const numberValue =
  (op: string) =>
  (value: unknown, path: string, report: ValidationReport): unknown => {
    if (!isFiniteNumber(value)) {
      report.add(path, `must be a number for ${op}`);
    }
    return value;
  };

const listValue =
  (op: string) =>
  (value: unknown, path: string, report: ValidationReport): unknown => {
    if (!Array.isArray(value)) {
      report.add(path, `must be an array of strings, numbers or booleans for ${op}`);
    } else if (value.length === 0) {
      report.add(path, `must list at least one value for ${op}`);
    } else if (value.length > MAX_LIST_LENGTH) {
      report.add(path, `must list at most ${MAX_LIST_LENGTH} values`);
    } else {
      for (let i = 0; i < value.length && !report.full; i++) {
        checkScalar(value[i], indexPath(path, i), report);
      }
    }
    return Array.isArray(value) ? [...value] : value;
  };

export const OPERATORS = {
  eq: {
    validate: scalarValue('eq'),
    compile: (value, invalid) => {
      const equals = compileEquals(value, invalid);
      return (actual) => !isMissing(actual) && equals(actual);
    },
  },
  neq: {
    validate: scalarValue('neq'),
    compile: (value, invalid) => {
      const equals = compileEquals(value, invalid);
      return (actual) => !isMissing(actual) && !equals(actual);
    },
  },
  gt: {
    validate: numberValue('gt'),
    compile: (value, invalid) => {
      const bound = requireNumber(value, invalid);
      return (actual) => factNumber(actual) > bound;
    },
  },
  gte: {
    validate: numberValue('gte'),
    compile: (value, invalid) => {
      const bound = requireNumber(value, invalid);
      return (actual) => factNumber(actual) >= bound;
    },
  },
  lt: {
    validate: numberValue('lt'),
    compile: (value, invalid) => {
      const bound = requireNumber(value, invalid);
      return (actual) => factNumber(actual) < bound;
    },
  },
  lte: {
    validate: numberValue('lte'),
    compile: (value, invalid) => {
      const bound = requireNumber(value, invalid);
      return (actual) => factNumber(actual) <= bound;
    },
  },
  in: {
    validate: listValue('in'),
    compile: (value, invalid) => {
      const member = compileMembership(value, invalid);
      return (actual) => !isMissing(actual) && member(actual);
    },
  },
  nin: {
    validate: listValue('nin'),
    compile: (value, invalid) => {
      const member = compileMembership(value, invalid);
      return (actual) => !isMissing(actual) && !member(actual);
    },
  },
  contains: {
    validate: scalarValue('contains'),
    compile: (value, invalid) => {
      const equals = compileEquals(value, invalid);
      const needle = typeof value === 'string' ? value : null;
      return (actual) => {
        if (typeof actual === 'string') {
          return needle !== null && actual.includes(needle);
        }
        if (Array.isArray(actual)) {
          for (let i = 0; i < actual.length; i++) {
            if (equals(actual[i])) {
              return true;
            }
          }
        }
        return false;
      };
    },
  },
  exists: {
    validate: (value, path, report) => {
      if (value !== undefined && typeof value !== 'boolean') {
        report.add(path, 'for exists: leave out, or true / false');
      }
      return value;
    },
    compile: (value, invalid) => {
      if (value === false) {
        return isMissing;
      }
      if (value !== undefined && value !== true) {
        throw invalid();
      }
      return (actual) => !isMissing(actual);
    },
  },
  between: {
    validate: (value, path, report) => {
      if (!Array.isArray(value) || value.length !== 2) {
        report.add(path, 'must be [low, high] for between');
      } else if (!isFiniteNumber(value[0]) || !isFiniteNumber(value[1])) {
        if (!isFiniteNumber(value[0])) {
          report.add(indexPath(path, 0), 'must be a number');
        }
        if (!isFiniteNumber(value[1])) {
          report.add(indexPath(path, 1), 'must be a number');
        }
      } else if (value[0] > value[1]) {
        report.add(path, 'low must not be greater than high');
      }
      return Array.isArray(value) ? [...value] : value;
    },
    compile: (value, invalid) => {
      if (!Array.isArray(value) || value.length !== 2) {
        throw invalid();
      }
      const lo = requireNumber(value[0], invalid);
      const hi = requireNumber(value[1], invalid);
      return (actual) => {
        const x = factNumber(actual);
        return x >= lo && x <= hi;
      };
    },
  },
} as const satisfies Record<string, Operator>;

export type Op = keyof typeof OPERATORS;
export const OPS = Object.keys(OPERATORS) as Op[];

export function isOp(name: unknown): name is Op {
  return typeof name === 'string' && Object.hasOwn(OPERATORS, name);
}
