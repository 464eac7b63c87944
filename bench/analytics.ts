import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { DataSource } from 'typeorm';
import { HistorySeedRepository } from '../src/analytics/history-seed.repository.js';
import { createApp } from '../src/bootstrap.js';
import { BrandsService } from '../src/brands/brands.service.js';
import { loadConfig } from '../src/config/app-config.js';
import { createLogger } from '../src/logging/logger.js';
import { RulesService } from '../src/rules/rules.service.js';
import { openBenchDatabase } from './bench-database.js';

/**
 * npm run bench:analytics: a brand with 100,000 members and about 1,000,000 events over a year,
 * seeded set-based into a fresh database (DATABASE_URL's server, else embedded); then every
 * analytics endpoint over a 90-day window, over real HTTP, warm: p50 and p95 of RUNS requests each.
 * Last, what the analytics indexes cost the event path: events/s with and without them.
 * BENCH_MEMBERS, BENCH_ACTIVITY and BENCH_RUNS change the size.
 */
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100_000);
const ACTIVITY = Number(process.env.BENCH_ACTIVITY ?? 2.06);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const TARGET_MS = 1000;
const DAY = 86_400_000;

const ENDPOINTS = [
  'funnel',
  'retention?period=week',
  'retention?period=month',
  'referrals',
  'points',
  'rules',
  'touchpoints?interval=day',
  'touchpoints?interval=week',
];

async function main() {
  const db = await openBenchDatabase();
  const config = loadConfig({
    DATABASE_URL: db.url,
    ADMIN_TOKEN: 'bench-admin-token-0123456789',
    SECRETS_KEY: Buffer.alloc(32, 0x5e).toString('base64'),
    LOG_LEVEL: 'warn',
    SCHEDULER_ENABLED: 'false',
  });
  const app = await createApp({ config, databaseUrl: db.url, logger: createLogger(config.logLevel) });
  try {
    const brands = app.get(BrandsService);
    const created = await brands.createBrand('Analytics bench');
    const brandId = created.brand.id;
    await app.get(RulesService).applyLoyaltyLoopTemplate(brandId, created.brand.stages, 'bench');
    await brands.updateBrand(brandId, { settings: { pointValue: '0.01', inactiveDays: 30 } });
    const data = app.get(DataSource);

    const t0 = performance.now();
    const seeded = await data.transaction((em) =>
      app.get(HistorySeedRepository).seed(em, brandId, {
        members: MEMBERS,
        days: 365,
        activity: ACTIVITY,
        externalIdPrefix: 'bench-',
        now: new Date(),
      }),
    );
    const seedSeconds = (performance.now() - t0) / 1000;
    log(`seeded in ${seedSeconds.toFixed(1)} s: ${JSON.stringify(seeded)}`);
    // a freshly loaded table has no visibility map yet: index-only scans need one
    await data.query('VACUUM ANALYZE');

    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const auth = { Authorization: `Bearer ${created.apiKey.key}` };
    const to = new Date();
    const from = new Date(to.getTime() - 90 * DAY);
    const window = `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;

    const results: Array<{ endpoint: string; p50: number; p95: number; max: number; met: boolean }> = [];
    for (const endpoint of ENDPOINTS) {
      const url = `${base}/v1/analytics/${endpoint}${endpoint.includes('?') ? '&' : '?'}${window}`;
      const times: number[] = [];
      for (let i = 0; i < RUNS + 2; i++) {
        const start = performance.now();
        const res = await fetch(url, { headers: auth });
        await res.text();
        if (res.status !== 200) {
          throw new Error(`${endpoint}: ${res.status}`);
        }
        if (i >= 2) {
          times.push(performance.now() - start); // the first two warm the caches
        }
      }
      times.sort((a, b) => a - b);
      const p50 = percentile(times, 0.5);
      const p95 = percentile(times, 0.95);
      results.push({ endpoint, p50, p95, max: times[times.length - 1], met: p95 < TARGET_MS });
      log(`${endpoint}: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms`);
    }

    const eventPath = await indexCost(base, auth, data);
    const report = {
      at: new Date().toISOString(),
      machine: {
        cores: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100,
        node: process.version,
        postgres: db.serverVersion,
        database: db.embedded ? 'embedded' : 'server',
      },
      setup: {
        members: MEMBERS,
        activity: ACTIVITY,
        seeded,
        seedSeconds: round(seedSeconds),
        windowDays: 90,
        runs: RUNS,
      },
      endpoints: results.map((r) => ({ ...r, p50: round(r.p50), p95: round(r.p95), max: round(r.max) })),
      eventPath,
      target: { goal: `p95 < ${TARGET_MS} ms for every endpoint`, met: results.every((r) => r.met) },
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/analytics.json', JSON.stringify(report, null, 2) + '\n');
    console.log(
      [
        '',
        `| endpoint (90-day window, ${seeded.members} members, ${seeded.events} events) | p50 ms | p95 ms | < 1 s |`,
        '|---|---:|---:|---|',
        ...report.endpoints.map(
          (r) =>
            `| GET /v1/analytics/${r.endpoint} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} | ${r.met ? 'yes' : 'NO'} |`,
        ),
        '',
        `event path: ${eventPath.withIndexes} events/s with the analytics indexes, ${eventPath.withoutIndexes} without (${eventPath.costPercent} %)`,
        `load average during the run: ${report.machine.loadAverage1m} on ${report.machine.cores} cores`,
        '',
      ].join('\n'),
    );
  } finally {
    await app.close();
    await db.drop();
  }
}

/**
 * Single events over HTTP, eight in flight (the group-commit path), with and without the two
 * analytics indexes, alternating rounds so the machine's drift hits both alike.
 */
async function indexCost(base: string, auth: Record<string, string>, data: DataSource) {
  const ROUND = 600;
  let n = 0;
  const round = async () => {
    const start = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < ROUND) {
        next++;
        const i = n++;
        const res = await fetch(`${base}/v1/events`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({
            idempotencyKey: `cost-${i}`,
            type: i % 3 === 0 ? 'feedback' : 'purchase',
            member: { externalId: `bench-${1 + (i % MEMBERS)}` },
            attributes: i % 3 === 0 ? { rating: 1 + (i % 6), touchpoint: 'checkout' } : { amount: '25.00' },
          }),
        });
        await res.text();
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    return ROUND / ((performance.now() - start) / 1000);
  };
  const drop = () => data.query('DROP INDEX events_occurred; DROP INDEX stage_changes_created').then(() => undefined);
  const create = () =>
    data
      .query(
        'CREATE INDEX events_occurred ON events (brand_id, occurred_at) INCLUDE (type, member_id); CREATE INDEX stage_changes_created ON stage_changes (brand_id, created_at)',
      )
      .then(() => undefined);
  await round(); // warm-up
  const withIdx: number[] = [];
  const without: number[] = [];
  for (let r = 0; r < 3; r++) {
    withIdx.push(await round());
    await drop();
    without.push(await round());
    await create();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
  const a = median(withIdx);
  const b = median(without);
  return {
    withIndexes: Math.round(a),
    withoutIndexes: Math.round(b),
    costPercent: Math.round(((b - a) / b) * 1000) / 10,
    rounds: { withIndexes: withIdx.map(Math.round), withoutIndexes: without.map(Math.round) },
    eventsPerRound: ROUND,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

const round = (x: number) => Math.round(x * 10) / 10;
const log = (s: string) => console.error(`[bench:analytics] ${s}`);

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
