import type { FieldError } from '../common/errors/domain-error.js';

const ATTRIBUTE_KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_ATTRIBUTES = 50;
const MAX_STRING = 2000;
const DECIMAL = /^\d{1,15}(\.\d{1,6})?$/;
export const SHARE_CHANNELS = ['whatsapp', 'instagram', 'facebook', 'x', 'linkedin', 'email', 'copy_link', 'other'];
/** Feedback ratings: slecht, matig, aardig, best, goed, subliem. */
export const FEEDBACK_RATING = { min: 1, max: 6 };
/** Made by the engine (referral) and the scheduler (retention), never sent by a client. */
export const ENGINE_EVENT_TYPES = ['referral', 'retention'];
/** Idempotency keys the engine and the scheduler make (referral:<id>, retention:<reason>:…): a client's would block them. */
export const ENGINE_KEY_PREFIXES = ['referral:', 'retention:'];

/**
 * Event attributes are flat: scalar values only, so facts stay cheap to read and a client
 * cannot send deep or huge structures. Built-in types check the attributes their rules use.
 */
export function checkAttributes(type: string, attributes: unknown): FieldError[] {
  const errors: FieldError[] = [];
  if (attributes === undefined) {
    attributes = {};
  }
  if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) {
    return [{ path: 'attributes', message: 'must be a JSON object' }];
  }
  const entries = Object.entries(attributes as Record<string, unknown>);
  if (entries.length > MAX_ATTRIBUTES) {
    errors.push({ path: 'attributes', message: `must have at most ${MAX_ATTRIBUTES} keys` });
  }
  for (const [key, value] of entries.slice(0, MAX_ATTRIBUTES + 1)) {
    const path = `attributes.${key.slice(0, 64)}`;
    if (!ATTRIBUTE_KEY.test(key)) {
      errors.push({ path, message: 'key must match [A-Za-z][A-Za-z0-9_]{0,63}' });
    } else if (typeof value === 'string') {
      if (value.length > MAX_STRING) {
        errors.push({ path, message: `must be at most ${MAX_STRING} characters` });
      }
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value) || Math.abs(value) > 1e15) {
        errors.push({ path, message: 'must be a finite number of at most 1e15' });
      }
    } else if (typeof value !== 'boolean' && value !== null) {
      errors.push({ path, message: 'must be a string, number, boolean or null' });
    }
  }
  if (errors.length) {
    return errors;
  }
  const a = attributes as Record<string, unknown>;
  if (type === 'purchase' || type === 'refund') {
    if (!isAmount(a.amount)) {
      errors.push({ path: 'attributes.amount', message: 'is required: a non-negative decimal such as "59.90"' });
    }
    if (a.currency !== undefined && !(typeof a.currency === 'string' && /^[A-Z]{3}$/.test(a.currency))) {
      errors.push({ path: 'attributes.currency', message: 'must be an ISO 4217 code such as EUR' });
    }
  }
  if (type === 'refund' && (typeof a.orderId !== 'string' || a.orderId.length === 0)) {
    errors.push({ path: 'attributes.orderId', message: 'is required for a refund' });
  }
  if (type === 'share' && a.channel !== undefined && !SHARE_CHANNELS.includes(a.channel as string)) {
    errors.push({ path: 'attributes.channel', message: `must be one of ${SHARE_CHANNELS.join(', ')}` });
  }
  if (type === 'feedback') {
    const r = a.rating;
    if (!(Number.isInteger(r) && (r as number) >= FEEDBACK_RATING.min && (r as number) <= FEEDBACK_RATING.max)) {
      errors.push({ path: 'attributes.rating', message: 'is required: an integer 1 (slecht) to 6 (subliem)' });
    }
  }
  return errors;
}

function isAmount(v: unknown): boolean {
  if (typeof v === 'number') {
    return Number.isFinite(v) && v >= 0 && v <= 1e15;
  }
  return typeof v === 'string' && DECIMAL.test(v);
}
