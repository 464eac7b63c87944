/**
 * What happens after a delivery attempt (issue 11 §3). Pure: the worker records what this
 * decides. A failure is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h
 * (ten attempts in all); 429/502/504 wait what Retry-After asks instead; 410 means "gone":
 * the endpoint is disabled; an endpoint that has failed every attempt for 5 days is disabled.
 */
export const RETRY_DELAYS_MS = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  14 * 3_600_000,
  20 * 3_600_000,
  24 * 3_600_000,
] as const;

export const FAILING_DAYS_BEFORE_DISABLE = 5;
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

export interface AttemptOutcome {
  /** The HTTP status, or null when no answer came (refused target, timeout, connection error). */
  statusCode: number | null;
  retryAfter?: string | null;
}

export interface AttemptVerdict {
  status: 'delivered' | 'pending' | 'failed';
  nextAttemptAt: Date | null;
  /** Set when the endpoint must be disabled, with why. */
  disableEndpoint: string | null;
  /** The endpoint's failing-since mark after this attempt (null: it is healthy). */
  failingSince: Date | null;
}

export function isSuccess(statusCode: number | null): boolean {
  return statusCode !== null && statusCode >= 200 && statusCode < 300;
}

/**
 * `attempt` is this attempt's number (1 = the first); `failingSince` is the endpoint's mark
 * before it (the time of its first failure since its last success).
 */
export function afterAttempt(
  attempt: number,
  outcome: AttemptOutcome,
  now: Date,
  failingSince: Date | null,
): AttemptVerdict {
  if (isSuccess(outcome.statusCode)) {
    return { status: 'delivered', nextAttemptAt: null, disableEndpoint: null, failingSince: null };
  }
  const since = failingSince ?? now;
  if (outcome.statusCode === 410) {
    return { status: 'failed', nextAttemptAt: null, disableEndpoint: 'gone (410)', failingSince: since };
  }
  if (now.getTime() - since.getTime() >= FAILING_DAYS_BEFORE_DISABLE * 86_400_000) {
    return {
      status: 'failed',
      nextAttemptAt: null,
      disableEndpoint: `every attempt failed for ${FAILING_DAYS_BEFORE_DISABLE} days`,
      failingSince: since,
    };
  }
  if (attempt > RETRY_DELAYS_MS.length) {
    return { status: 'failed', nextAttemptAt: null, disableEndpoint: null, failingSince: since };
  }
  let delay: number = RETRY_DELAYS_MS[attempt - 1];
  if (outcome.statusCode === 429 || outcome.statusCode === 502 || outcome.statusCode === 504) {
    delay = retryAfterMs(outcome.retryAfter, now) ?? delay;
  }
  return {
    status: 'pending',
    nextAttemptAt: new Date(now.getTime() + delay),
    disableEndpoint: null,
    failingSince: since,
  };
}

/** Retry-After as seconds or an HTTP date, bounded to [1 s, 24 h]; null when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now: Date): number | null {
  if (!header) {
    return null;
  }
  const text = header.trim();
  let ms: number;
  if (/^\d+$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) {
      return null;
    }
    ms = at - now.getTime();
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(1000, ms));
}
