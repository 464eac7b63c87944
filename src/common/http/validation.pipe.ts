import { type ArgumentMetadata, type ValidationError, ValidationPipe } from '@nestjs/common';
import { type FieldError, validationFailed } from '../errors/domain-error.js';
import { unsafeJson } from './json-safety.js';

/** Whitelisting validation whose 400 lists every fault by field path (`settings.timezone`). */
export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(flatten(errors)),
  });
}

/**
 * A DTO whose list elements are validated one by one by its service (so one bad element does
 * not refuse its neighbours) names that list here; the pipe leaves those elements alone.
 */
export interface ValidatesElementsItself {
  elementsValidatedBy?: string;
}

/**
 * Before any DTO: input the database or the validators cannot take (NUL, lone surrogates,
 * deep nesting) is a 400 with its path, and a body must be a JSON object.
 */
class BodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const ownElements = (metadata.metatype as ValidatesElementsItself | undefined)?.elementsValidatedBy;
    const checked =
      ownElements && value !== null && typeof value === 'object' && !Array.isArray(value)
        ? { ...value, [ownElements]: [] }
        : value;
    // Nesting is refused anywhere (class-transformer would recurse into those elements too).
    const fault =
      unsafeJson(checked, metadata.type === 'body' ? '' : (metadata.data ?? '')) ??
      (ownElements ? unsafeJson(value, '', 0, false) : null);
    if (fault) {
      throw validationFailed([fault]);
    }
    const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object && !isObject) {
      throw validationFailed([{ path: 'body', message: 'must be a JSON object' }]);
    }
    return super.transform(value, metadata);
  }
}

export function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const path = joinPath(parent, error.property);
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      out.push({
        path,
        message:
          constraint === 'whitelistValidation' ? 'is not an allowed field' : stripProperty(message, error.property),
      });
    }
    if (error.children?.length) {
      out.push(...flatten(error.children, path));
    }
  }
  return out;
}

function joinPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) {
    return `${parent}[${property}]`;
  }
  return parent ? `${parent}.${property}` : property;
}

// class-validator starts messages with the property name; the path already says it.
function stripProperty(message: string, property: string): string {
  for (const prefix of [`${property} `, `each value in ${property} `, `nested property ${property} `]) {
    if (message.startsWith(prefix)) {
      return message.slice(prefix.length);
    }
  }
  return message;
}
