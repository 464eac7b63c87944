import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { validationFailed } from '../../common/errors/domain-error.js';
import { flatten } from '../../common/http/validation.pipe.js';
import { RunJobDto } from './job-run.dto.js';

/**
 * The run request's body is optional (a bare POST runs the job now), which the global pipe
 * cannot express: it wants an object for a DTO. So the DTO is checked here; `undefined` = now.
 */
export function runAsOf(body: unknown): Date | undefined {
  if (body === undefined || body === null || body === '') {
    return undefined;
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw validationFailed([{ path: 'body', message: 'must be a JSON object' }]);
  }
  const dto = plainToInstance(RunJobDto, body);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) {
    throw validationFailed(flatten(errors));
  }
  return dto.now === undefined ? undefined : new Date(dto.now);
}
