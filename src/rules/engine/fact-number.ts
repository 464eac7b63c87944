/**
 * How a fact value reads as a number. Attributes arrive as JSON, and money travels as decimal
 * strings ("59.90", DESIGN §2), so a numeric string counts as its number. Only plain decimal
 * notation (optional sign, fraction, exponent) qualifies: no hex, no "Infinity", no blanks,
 * no thousands separators — `Number()` alone would turn "" and "0x10" into numbers.
 *
 * @returns the number, or NaN when the value is not numeric.
 */
export function factNumber(value: unknown): number {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : NaN;
  }
  if (typeof value !== 'string') {
    return NaN;
  }
  // Many rules read the same attribute of the same event ("59.90"): remember the last one.
  if (value === lastText) {
    return lastNumber;
  }
  const parsed = parseDecimal(value);
  lastText = value;
  lastNumber = parsed;
  return parsed;
}

let lastText = '';
let lastNumber = NaN;

function parseDecimal(value: string): number {
  if (value.length === 0 || value.length > 64) {
    return NaN;
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // 0-9 . + - e E
    const allowed = (c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 101 || c === 69;
    if (!allowed) {
      return NaN;
    }
  }
  const parsed = +value;
  return Number.isFinite(parsed) ? parsed : NaN;
}

/**
 * Floats make 0.29 × 100 = 28.999999999999996, which `floor` would turn into 28 points where
 * the brand (thinking in decimals) expects 29. Rounding to 15 significant digits before the
 * rule's own rounding removes that noise without moving any value a brand can write down.
 */
export function snapDecimalNoise(value: number): number {
  // The common case, on the hot path: 15 significant digits of a value below 1e6 keep at
  // least 9 decimals, so a fixed grid does the job without a logarithm.
  if (value < 1e6 && value > -1e6) {
    return Math.round(value * 1e9) / 1e9;
  }
  if (!Number.isFinite(value)) {
    return value;
  }
  const integerDigits = Math.ceil(Math.log10(Math.abs(value)));
  if (integerDigits >= 15) {
    return value;
  }
  const scale = 10 ** (15 - integerDigits);
  return Math.round(value * scale) / scale;
}
