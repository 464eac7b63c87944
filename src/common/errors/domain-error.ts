/**
 * What went wrong, in the domain's words. Each feature declares its codes in one catalogue
 * (`MEMBER_ERRORS` in `src/members/member-errors.ts`): code → kind and what it means to an API user.
 * The kind alone decides the HTTP status, in one place: the exception filter.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'rate_limited'
  | 'internal'
  | 'unavailable';

export interface FieldError {
  path: string;
  message: string;
}

/** One code of a feature: its kind (so its HTTP status) and one line for the README's table. */
export interface ErrorSpec {
  kind: ErrorKind;
  meaning: string;
}

/** A feature's codes; `keyof` of it is the feature's code union. */
export type ErrorCatalogue<C extends string> = { readonly [K in C]: ErrorSpec };

export class DomainError<C extends string = string> extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: C,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The constructor of one feature's errors: takes only that feature's codes, and the kind comes with the code. */
export function errorsOf<C extends string>(catalogue: ErrorCatalogue<C>) {
  return (code: C, message: string, details?: unknown): DomainError<C> =>
    new DomainError(catalogue[code].kind, code, message, details);
}

/** Codes any route can answer: bad input, the request itself, the operator's token, the unexpected. */
export const COMMON_ERRORS = {
  validation_failed: {
    kind: 'invalid',
    meaning: 'The input is invalid; `details` lists `{ path, message }` per fault, unknown fields included',
  },
  'request.malformed': {
    kind: 'invalid',
    meaning: 'The body is not well-formed JSON (or is empty where JSON is expected)',
  },
  'request.invalid': { kind: 'invalid', meaning: 'The request was refused before routing (headers, encoding)' },
  'request.too_large': { kind: 'too_large', meaning: 'The body is over the size limit (`BODY_LIMIT_BYTES`)' },
  'request.unsupported_media_type': {
    kind: 'unsupported_media_type',
    meaning: 'The body is not `application/json`',
  },
  'route.not_found': { kind: 'not_found', meaning: 'No route has that method and path' },
  rate_limited: {
    kind: 'rate_limited',
    meaning: 'Too many requests for this key, token or address this minute; see `Retry-After`',
  },
  'auth.invalid_admin_token': {
    kind: 'unauthorized',
    meaning: 'The operator token (`ADMIN_TOKEN`) is missing or wrong',
  },
  internal_error: { kind: 'internal', meaning: 'A bug: logged with the request id, answered without internals' },
} as const satisfies ErrorCatalogue<string>;

export type CommonErrorCode = keyof typeof COMMON_ERRORS;

export const commonError = errorsOf<CommonErrorCode>(COMMON_ERRORS);

export const validationFailed = (details: FieldError[], message?: string) =>
  commonError('validation_failed', message ?? details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
