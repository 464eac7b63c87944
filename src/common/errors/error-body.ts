import { STATUS_CODES } from 'node:http';
import type { ErrorKind } from './domain-error.js';

/** The one error shape every answer uses: `{ statusCode, error, message, code?, details? }`. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
  details?: unknown;
}

export const STATUS_OF: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

export function errorBody(statusCode: number, message: string, code?: string, details?: unknown): ErrorBody {
  const body: ErrorBody = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
  if (code) {
    body.code = code;
  }
  if (details !== undefined) {
    body.details = details;
  }
  return body;
}
