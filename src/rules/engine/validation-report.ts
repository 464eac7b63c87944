/**
 * Collects what is wrong with a rule, each fault with the JSON path a brand's engineer can
 * find it at (`conditions.all[1].op`), for the 400 answer (DESIGN §3, §5).
 */

export interface ValidationError {
  path: string;
  message: string;
}

/** Enough to fix a rule; a pathological input (a million bad stages) must not yield a huge answer. */
const MAX_ERRORS = 50;

export class ValidationReport {
  readonly errors: ValidationError[] = [];

  add(path: string, message: string): void {
    if (this.errors.length < MAX_ERRORS) {
      this.errors.push({ path, message });
    }
  }

  get count(): number {
    return this.errors.length;
  }

  /** No further error would be kept: loops over huge inputs can stop. */
  get full(): boolean {
    return this.errors.length >= MAX_ERRORS;
  }

  /** Reports every key of `object` not in `allowed`. */
  refuseUnknownKeys(object: Record<string, unknown>, allowed: ReadonlySet<string>, path: string): void {
    for (const key in object) {
      if (this.full) {
        return;
      }
      if (Object.hasOwn(object, key) && !allowed.has(key)) {
        this.add(childPath(path, key), 'unknown key');
      }
    }
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `reward` + `points` → `reward.points`; a key that is not an identifier is bracketed and quoted. */
export function childPath(path: string, key: string): string {
  const shown = key.length > 100 ? `${key.slice(0, 100)}…` : key;
  if (IDENTIFIER.test(shown)) {
    return path === '' ? shown : `${path}.${shown}`;
  }
  return `${path}[${JSON.stringify(shown)}]`;
}

export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An own property, with null read as "not given": `{ "validUntil": null }` and no key mean the
 * same, and inherited names (`constructor`) are never picked up from Object.prototype.
 */
export function given(object: Record<string, unknown>, key: string): unknown {
  if (!Object.hasOwn(object, key)) {
    return undefined;
  }
  const value = object[key];
  return value === null ? undefined : value;
}

export function isNonNegativeInteger(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}
