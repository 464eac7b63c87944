import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { FieldError } from '../common/errors/domain-error.js';
import { validationFailed } from '../common/errors/domain-error.js';
import { unsafeJson } from '../common/http/json-safety.js';
import { flatten } from '../common/http/validation.pipe.js';

/** What a hook route hands its service: the exact bytes (signatures are over them) and the headers. */
export interface HookRequest {
  brandId: string;
  raw: Buffer;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** ?token= */
  queryToken: string | undefined;
}

export function header(req: HookRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** X-Hook-Token, else ?token=. */
export function hookToken(req: HookRequest): string | undefined {
  return header(req, 'x-hook-token') ?? (typeof req.queryToken === 'string' ? req.queryToken : undefined);
}

/**
 * A hook body checked against its DTO only after the signature (a stranger learns nothing
 * about the shape from a 400 before a 401): 400 with every faulty field's path.
 */
export function validated<T extends object>(dto: new () => T, body: unknown): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validationFailed([{ path: 'body', message: 'must be a JSON object' }]);
  }
  const unsafe = unsafeJson(body);
  if (unsafe) {
    throw validationFailed([unsafe]);
  }
  const instance = plainToInstance(dto, body);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) {
    throw validationFailed(flatten(errors));
  }
  return instance;
}

export const invalid = (errors: FieldError[]) => validationFailed(errors);
