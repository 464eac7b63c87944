import { type ErrorCatalogue, errorsOf } from '../common/errors/domain-error.js';

/** The events' own codes; an event also answers `validation_failed`, `member.not_found` and `member.email_taken`. */
export const EVENT_ERRORS = {
  'event.idempotency_conflict': {
    kind: 'conflict',
    meaning: 'The `idempotencyKey` was already used with a different event',
  },
} as const satisfies ErrorCatalogue<string>;

export type EventErrorCode = keyof typeof EVENT_ERRORS;
const eventError = errorsOf<EventErrorCode>(EVENT_ERRORS);

export const EventErrors = {
  keyConflict: (key: string) =>
    eventError('event.idempotency_conflict', `Idempotency key ${key} was already used with a different request`),
};
