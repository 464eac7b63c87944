import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { addressAllowed, type TargetPolicy, urlAllowed } from './target-guard.js';

export const SEND_TIMEOUT_MS = 15_000;
const MAX_ERROR_CHARS = 500;

export interface SendResult {
  statusCode: number | null;
  retryAfter: string | null;
  durationMs: number;
  error: string | null;
}

/**
 * One POST to an endpoint: the URL judged again, every address its name resolves to judged
 * before the socket connects (so a name re-pointed inside the network is refused), 15 s for the
 * whole exchange, and no redirect followed (a 3xx is an answer, and a failure). undici rather
 * than node:http: a delivery is one request on a kept-alive connection, and undici's client
 * costs about half the CPU per request, which the event path shares.
 */
export class WebhookSender {
  private readonly urls = new Map<string, ReturnType<typeof urlAllowed>>();
  private readonly agent: Agent;

  constructor(private readonly policy: TargetPolicy) {
    this.agent = new Agent({
      connections: 32,
      keepAliveTimeout: 10_000,
      headersTimeout: SEND_TIMEOUT_MS,
      bodyTimeout: SEND_TIMEOUT_MS,
      connect: { lookup: guardedLookup(policy), timeout: SEND_TIMEOUT_MS },
    });
  }

  async send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = Date.now();
    const done = (statusCode: number | null, retryAfter: string | null, error: string | null): SendResult => ({
      statusCode,
      retryAfter,
      durationMs: Date.now() - started,
      error: error === null ? null : error.slice(0, MAX_ERROR_CHARS),
    });
    const verdict = this.judged(url);
    if (!verdict.ok) {
      return done(null, null, `refused target: url ${verdict.reason}`);
    }
    const timeout = AbortSignal.timeout(SEND_TIMEOUT_MS);
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        signal: timeout, // no maxRedirections: undici's request follows none unless asked
        headers: {
          ...headers,
          'content-type': 'application/json',
          'user-agent': 'LoyaltyLoop-Webhooks/1',
        },
        body,
      });
      const retryAfter = typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : null;
      // The answer's body is not ours to keep: drained so the connection can be reused.
      try {
        await res.body.dump();
      } catch (e) {
        return done(res.statusCode, retryAfter, messageOf(e, timeout));
      }
      return done(res.statusCode, retryAfter, null);
    } catch (e) {
      return done(null, null, messageOf(e, timeout));
    }
  }

  /** The URL's verdict: the same text is judged once (a URL's syntax and scheme do not change; its addresses are judged at every connect). */
  private judged(url: string): ReturnType<typeof urlAllowed> {
    let verdict = this.urls.get(url);
    if (!verdict) {
      verdict = urlAllowed(url, this.policy);
      if (this.urls.size >= 10_000) {
        this.urls.clear();
      }
      this.urls.set(url, verdict);
    }
    return verdict;
  }

  /** Drops every connection at once (shutdown: an attempt cut short is sent again after the restart). */
  close(): Promise<void> {
    return this.agent.destroy();
  }
}

function messageOf(e: unknown, timeout: AbortSignal): string {
  if (timeout.aborted) {
    return `no answer within ${SEND_TIMEOUT_MS / 1000} s`;
  }
  const err = e as { message?: string; cause?: { message?: string } };
  // undici wraps a connection's failure ("fetch failed"-style); the cause says what happened.
  return err.cause?.message ?? err.message ?? String(e);
}

/** dns.lookup, refusing the connection when any address of the name is not allowed. */
export function guardedLookup(policy: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) {
        return callback(err, '', 0);
      }
      for (const a of addresses) {
        const verdict = addressAllowed(a.address, policy);
        if (!verdict.ok) {
          return callback(
            Object.assign(new Error(`refused target: ${hostname} resolves to ${verdict.reason}`), { code: 'EREFUSED' }),
            '',
            0,
          );
        }
      }
      if ((options as { all?: boolean }).all) {
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      }
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
