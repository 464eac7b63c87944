/**
 * What went wrong, in the domain's words. Each feature declares its own codes
 * (`member.not_found`, `event.idempotency_conflict`…); the kind alone decides the HTTP status,
 * in one place: the exception filter.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'too_large'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable';

export interface FieldError {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const validationFailed = (details: FieldError[]) =>
  new DomainError('invalid', 'validation_failed', details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
