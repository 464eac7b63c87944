import type { FieldError } from '../errors/domain-error.js';

/** Deeper than any body this API takes; far below where class-transformer overflows the stack. */
export const MAX_JSON_DEPTH = 64;

/**
 * The first place in a parsed JSON value that the database or the validators cannot take:
 * a NUL character (PostgreSQL text refuses it), a lone UTF-16 surrogate (jsonb refuses it,
 * isEmail throws on it), or nesting past MAX_JSON_DEPTH. Keys are checked like values.
 */
export function unsafeJson(value: unknown, path = '', depth = 0, strings = true): FieldError | null {
  if (typeof value === 'string') {
    return strings ? unsafeString(value, path || 'body') : null;
  }
  if (value === null || typeof value !== 'object') {
    return null;
  }
  if (depth >= MAX_JSON_DEPTH) {
    return { path: path || 'body', message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const fault = unsafeJson(value[i], `${path}[${i}]`, depth + 1, strings);
      if (fault) {
        return fault;
      }
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${printable(key)}` : printable(key);
    const fault = (strings ? unsafeString(key, at) : null) ?? unsafeJson(item, at, depth + 1, strings);
    if (fault) {
      return fault;
    }
  }
  return null;
}

function unsafeString(s: string, path: string): FieldError | null {
  if (s.includes('\u0000')) {
    return { path, message: 'must not contain the NUL character' };
  }
  if (!s.isWellFormed()) {
    return { path, message: 'must be well-formed Unicode (no lone surrogates)' };
  }
  return null;
}

// A path is echoed in the answer: it must itself be safe to store and print.
function printable(key: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
  return key.slice(0, 100).replace(/[\u0000-\u001f\ud800-\udfff]/g, '?');
}
