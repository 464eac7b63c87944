import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
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
 * whole exchange, and no redirect followed (a 3xx is an answer, and a failure).
 */
export class WebhookSender {
  private readonly lookup: LookupFunction;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly policy: TargetPolicy) {
    this.lookup = guardedLookup(policy);
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 32 });
  }

  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = Date.now();
    const done = (statusCode: number | null, retryAfter: string | null, error: string | null): SendResult => ({
      statusCode,
      retryAfter,
      durationMs: Date.now() - started,
      error: error === null ? null : error.slice(0, MAX_ERROR_CHARS),
    });
    const verdict = urlAllowed(url, this.policy);
    if (!verdict.ok) {
      return Promise.resolve(done(null, null, `refused target: url ${verdict.reason}`));
    }
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    return new Promise((resolve) => {
      let settled = false;
      const finish = (r: SendResult) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          resolve(r);
        }
      };
      const req = (secure ? https : http).request(target, {
        method: 'POST',
        agent: secure ? this.httpsAgent : this.httpAgent,
        lookup: this.lookup,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'LoyaltyLoop-Webhooks/1',
        },
      });
      const timer = setTimeout(() => {
        req.destroy(new Error(`no answer within ${SEND_TIMEOUT_MS / 1000} s`));
      }, SEND_TIMEOUT_MS);
      req.on('error', (e) => finish(done(null, null, e.message)));
      req.on('response', (res) => {
        const retryAfter = typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : null;
        // The answer's body is not ours to keep: drained so the connection can be reused.
        res.resume();
        res.on('end', () => finish(done(res.statusCode ?? null, retryAfter, null)));
        res.on('error', (e) => finish(done(res.statusCode ?? null, retryAfter, e.message)));
      });
      req.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
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
