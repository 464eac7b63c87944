import { Pool } from 'undici';

export interface LoadResult {
  concurrency: number;
  seconds: number;
  ok: number;
  errors: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summarise(
  concurrency: number,
  seconds: number,
  latencies: number[],
  errors: number,
  units = 1,
): LoadResult {
  const sorted = latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    concurrency,
    seconds,
    ok: latencies.length,
    errors,
    perSecond: Math.round((latencies.length * units) / seconds),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
  };
}

/** One or more service instances: connections (closed loop) or requests (fixed rate) take turns. */
export type Bases = string | readonly string[];

function poolsFor(bases: Bases, connections: number): Pool[] {
  const list = typeof bases === 'string' ? [bases] : bases;
  return list.map((b) => new Pool(b, { connections: Math.ceil(connections / list.length), pipelining: 1 }));
}

/**
 * Closed loop: `concurrency` connections each send the next request as soon as the last
 * answers, for `seconds`. Latency per request in ms.
 */
export async function closedLoop(
  base: Bases,
  path: string,
  headers: Record<string, string>,
  concurrency: number,
  seconds: number,
  body: () => unknown,
  units = 1,
  pathOf: () => string = () => path,
): Promise<LoadResult> {
  const pools = poolsFor(base, concurrency);
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  const worker = async (_: unknown, i: number) => {
    const pool = pools[i % pools.length];
    while (Date.now() < end) {
      const t0 = performance.now();
      try {
        const res = await pool.request({
          path: pathOf(),
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body()),
        });
        await res.body.dump();
        if (res.statusCode >= 200 && res.statusCode < 300) {
          latencies.push(performance.now() - t0);
        } else {
          errors++;
        }
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await Promise.all(pools.map((p) => p.close()));
  return summarise(concurrency, seconds, latencies, errors, units);
}

/** Open loop at a fixed rate (requests/s), so latency is measured at a known load. */
export async function fixedRate(
  base: Bases,
  path: string,
  headers: Record<string, string>,
  rate: number,
  seconds: number,
  body: () => unknown,
): Promise<LoadResult> {
  const pools = poolsFor(base, 64);
  const latencies: number[] = [];
  let errors = 0;
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  const total = Math.floor(rate * seconds);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) {
      await new Promise((r) => setTimeout(r, wait));
    }
    const pool = pools[i % pools.length];
    inflight.push(
      (async () => {
        const t0 = performance.now();
        try {
          const res = await pool.request({
            path,
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify(body()),
          });
          await res.body.dump();
          if (res.statusCode >= 200 && res.statusCode < 300) {
            latencies.push(performance.now() - t0);
          } else {
            errors++;
          }
        } catch {
          errors++;
        }
      })(),
    );
  }
  await Promise.all(inflight);
  await Promise.all(pools.map((p) => p.close()));
  return summarise(rate, seconds, latencies, errors);
}
