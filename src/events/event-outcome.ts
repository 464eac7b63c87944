import type { CommonErrorCode, FieldError } from '../common/errors/domain-error.js';
import type { MemberErrorCode } from '../members/member-errors.js';
import type { EventErrorCode } from './event-errors.js';
import type { EventResult } from './event-effects.js';

/** How one event of a list ended: applied (201), a replay (200), or refused with an error. */
export type EventOutcome =
  | { status: 201 | 200; result: EventResult }
  | {
      status: 400 | 404 | 409;
      error: { code: EventErrorCode | MemberErrorCode | CommonErrorCode; message: string; details?: FieldError[] };
    };

export const EventOutcomes = {
  invalid: (details: FieldError[]): EventOutcome => ({
    status: 400,
    error: { code: 'validation_failed', message: details.map((d) => `${d.path}: ${d.message}`).join('; '), details },
  }),
  memberNotFound: (ref: { id?: string; externalId?: string }): EventOutcome => ({
    status: 404,
    error: {
      code: 'member.not_found',
      message: `No member ${ref.id ?? ref.externalId}${ref.id ? '' : ' (set autoEnroll to enrol members from events)'}`,
    },
  }),
  emailTaken: (): EventOutcome => ({
    status: 409,
    error: { code: 'member.email_taken', message: 'Another member of this brand has that email' },
  }),
  keyConflict: (key: string): EventOutcome => ({
    status: 409,
    error: {
      code: 'event.idempotency_conflict',
      message: `Idempotency key ${key} was already used with a different request`,
    },
  }),
};
