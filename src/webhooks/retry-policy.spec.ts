import { afterAttempt, RETRY_DELAYS_MS, retryAfterMs } from './retry-policy.js';

const now = new Date('2026-12-01T12:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);

describe('webhook retry policy', () => {
  it('delivers on 2xx and clears the failing mark', () => {
    expect(afterAttempt(3, { statusCode: 204 }, now, later(-1000))).toEqual({
      status: 'delivered',
      nextAttemptAt: null,
      disableEndpoint: null,
      failingSince: null,
    });
  });

  it('follows the schedule 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h, then gives up', () => {
    const expected = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400].map((s) => s * 1000);
    expect([...RETRY_DELAYS_MS]).toEqual(expected);
    expected.forEach((ms, i) => {
      expect(afterAttempt(i + 1, { statusCode: 500 }, now, now).nextAttemptAt).toEqual(later(ms));
    });
    expect(afterAttempt(10, { statusCode: 500 }, now, now)).toMatchObject({ status: 'failed', disableEndpoint: null });
  });

  it('treats no answer (timeout, refused) and 3xx as failures', () => {
    expect(afterAttempt(1, { statusCode: null }, now, null)).toMatchObject({ status: 'pending', failingSince: now });
    expect(afterAttempt(1, { statusCode: 302 }, now, null).status).toBe('pending');
  });

  it('disables the endpoint on 410', () => {
    expect(afterAttempt(1, { statusCode: 410 }, now, null)).toMatchObject({
      status: 'failed',
      disableEndpoint: 'gone (410)',
    });
  });

  it('honours Retry-After on 429, 502 and 504 only', () => {
    for (const code of [429, 502, 504]) {
      expect(afterAttempt(1, { statusCode: code, retryAfter: '120' }, now, null).nextAttemptAt).toEqual(later(120_000));
    }
    expect(afterAttempt(1, { statusCode: 503, retryAfter: '120' }, now, null).nextAttemptAt).toEqual(later(5000));
    expect(
      afterAttempt(1, { statusCode: 429, retryAfter: new Date(now.getTime() + 60_000).toUTCString() }, now, null)
        .nextAttemptAt,
    ).toEqual(later(60_000));
  });

  it('bounds Retry-After and ignores what it cannot read', () => {
    expect(retryAfterMs('0', now)).toBe(1000);
    expect(retryAfterMs('999999999', now)).toBe(86_400_000);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(undefined, now)).toBeNull();
  });

  it('disables an endpoint that has failed every attempt for 5 days', () => {
    const since = new Date(now.getTime() - 5 * 86_400_000);
    expect(afterAttempt(2, { statusCode: 500 }, now, since)).toMatchObject({
      status: 'failed',
      disableEndpoint: 'every attempt failed for 5 days',
    });
    expect(afterAttempt(2, { statusCode: 500 }, now, later(-4 * 86_400_000)).status).toBe('pending');
  });
});
