import type { DomainError } from '../common/errors/domain-error.js';
import type { EventResult } from './event-effects.js';

/**
 * How one event of a list ended: applied (201), a replay (200), or refused with the same
 * DomainError a single request would throw (the exception filter's kind → status decides its
 * HTTP status there, and in a batch answer).
 */
export type EventOutcome = { status: 201 | 200; result: EventResult } | { error: DomainError };
