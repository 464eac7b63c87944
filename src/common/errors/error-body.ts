import { STATUS_CODES } from 'node:http';
import type { ErrorKind } from './domain-error.js';

/** The one error shape every answer uses: `{ statusCode, error, message, code, details? }`. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  details?: unknown;
}

/** The one place an error's kind becomes an HTTP status. */
export function statusOf(kind: ErrorKind): number {
  switch (kind) {
    case 'invalid':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'unprocessable':
      return 422;
    case 'rate_limited':
      return 429;
    case 'internal':
      return 500;
    case 'unavailable':
      return 503;
  }
}

export function errorBody(statusCode: number, message: string, code: string, details?: unknown): ErrorBody {
  const body: ErrorBody = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, code };
  if (details !== undefined) {
    body.details = details;
  }
  return body;
}
