import { DomainError } from '../common/errors/domain-error.js';

export const EventErrors = {
  keyConflict: (key: string) =>
    new DomainError(
      'conflict',
      'event.idempotency_conflict',
      `Idempotency key ${key} was already used with a different request`,
    ),
};
