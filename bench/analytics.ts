import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { DataSource } from 'typeorm';
import { AnalyticsRollupJob } from '../src/analytics/analytics-rollup.job.js';
import { AnalyticsRollupRepository } from '../src/analytics/analytics-rollup.repository.js';
import { HistorySeedRepository } from '../src/analytics/history-seed.repository.js';
import { createApp } from '../src/bootstrap.js';
import { BrandsService } from '../src/brands/brands.service.js';
import { loadConfig } from '../src/config/app-config.js';
import { createLogger } from '../src/logging/logger.js';
import { RulesService } from '../src/rules/rules.service.js';
import { JobsService } from '../src/jobs/jobs.service.js';
import pg from 'pg';
import { runMigrations } from '../src/database/migrations.js';
import { type BenchDatabase, openBenchDatabase } from './bench-database.js';

/**
 * npm run bench:analytics: a brand with 100,000 members and about 1,000,000 events over a year,
 * seeded set-based into a fresh database (DATABASE_URL's server, else embedded); then every
 * analytics endpoint over a 90-day window, over real HTTP, warm: p50 and p95 of RUNS requests each.
 * First the rollup job's pass (timed); the rolled-up answers checked against the live ones.
 * Last, what the rollup job costs the event path: events/s with it running and without.
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

/**
 * BENCH_KEEP_DATABASE=1 keeps the seeded database (its URL is printed); BENCH_REUSE_DATABASE_URL=<it>
 * measures that database again without seeding (migrations run first, so new ones apply).
 * BENCH_SKIP_EVENT_PATH=1 leaves out the event-path measurement.
 */
async function openDatabase(): Promise<BenchDatabase & { reused: boolean }> {
  const reuse = process.env.BENCH_REUSE_DATABASE_URL;
  if (reuse) {
    await runMigrations(reuse);
    const c = new pg.Client({ connectionString: reuse });
    await c.connect();
    const serverVersion = (await c.query('SHOW server_version')).rows[0].server_version as string;
    await c.end();
    return { url: reuse, serverVersion, embedded: false, reused: true, drop: async () => undefined };
  }
  const db = await openBenchDatabase();
  if (process.env.BENCH_KEEP_DATABASE) {
    log(`keeping the database: BENCH_REUSE_DATABASE_URL=${db.url}`);
    return { ...db, reused: false, drop: async () => undefined };
  }
  return { ...db, reused: false };
}

async function main() {
  const db = await openDatabase();
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
    const data = app.get(DataSource);
    const { brandId, apiKey, seeded, seedSeconds } = db.reused
      ? await reuseBrand(brands, data)
      : await seedBrand(app.get(BrandsService), app.get(RulesService), app.get(HistorySeedRepository), data);
    const created = { apiKey: { key: apiKey } };
    // the rollup job's first pass over the seeded history (later passes take only what is new)
    const jobs = app.get(JobsService);
    const r0 = performance.now();
    const firstPass = await jobs.run('analytics-rollup');
    const rollupSeconds = (performance.now() - r0) / 1000;
    log(`rollup pass in ${rollupSeconds.toFixed(1)} s: ${JSON.stringify(firstPass.processed)}`);
    await data.query('VACUUM ANALYZE');

    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const auth = { Authorization: `Bearer ${created.apiKey.key}` };
    const to = new Date();
    const from = new Date(to.getTime() - 90 * DAY);
    const window = `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;

    const check = process.env.BENCH_SKIP_LIVE_CHECK ? null : await checkAgainstLive(base, auth, data, brandId);
    if (check) {
      log(`rolled-up answers equal the live ones: ${check.equal}`);
    }

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

    const rollup = app.get(AnalyticsRollupJob);
    const shape = await app.get(AnalyticsRollupRepository).brandShape(app.get(DataSource).manager, brandId);
    const catchUp = (upto: Date) => rollup.rollBrand(brandId, shape, upto);
    const eventPath = process.env.BENCH_SKIP_EVENT_PATH ? null : await rollupCost(base, auth, jobs, catchUp);
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
        firstRollupSeconds: round(rollupSeconds),
        windowDays: 90,
        runs: RUNS,
      },
      endpoints: results.map((r) => ({ ...r, p50: round(r.p50), p95: round(r.p95), max: round(r.max) })),
      eventPath,
      rolledEqualsLive: check,
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
        eventPath
          ? `event path (32 connections): ${eventPath.withRollupJob} events/s with the rollup job running, ${eventPath.withoutRollupJob} without (${eventPath.costPercent} %)`
          : 'event path: not measured',
        `load average during the run: ${report.machine.loadAverage1m} on ${report.machine.cores} cores`,
        '',
      ].join('\n'),
    );
  } finally {
    await app.close();
    await db.drop();
  }
}

async function seedBrand(brands: BrandsService, rules: RulesService, seeder: HistorySeedRepository, data: DataSource) {
  const created = await brands.createBrand('Analytics bench');
  const brandId = created.brand.id;
  await rules.applyLoyaltyLoopTemplate(brandId, created.brand.stages, 'bench');
  await brands.updateBrand(brandId, { settings: { pointValue: '0.01', inactiveDays: 30 } });
  const t0 = performance.now();
  const seeded = await data.transaction((em) =>
    seeder.seed(em, brandId, {
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
  return { brandId, apiKey: created.apiKey.key, seeded, seedSeconds };
}

/** The brand an earlier run seeded, with a fresh key; the counts read back. */
async function reuseBrand(brands: BrandsService, data: DataSource) {
  const [brand] = (await data.query(`SELECT id FROM brands WHERE name = 'Analytics bench' LIMIT 1`)) as Array<{
    id: string;
  }>;
  if (!brand) {
    throw new Error('BENCH_REUSE_DATABASE_URL: no "Analytics bench" brand in that database');
  }
  const key = await brands.createKey(brand.id, 'bench rerun');
  const [counts] = (await data.query(
    `SELECT (SELECT count(*) FROM members WHERE brand_id = $1)::int AS members,
            (SELECT count(*) FROM events WHERE brand_id = $1)::int AS events`,
    [brand.id],
  )) as Array<{ members: number; events: number }>;
  log(`reusing the seeded brand: ${JSON.stringify(counts)}`);
  return { brandId: brand.id, apiKey: key.key, seeded: counts as Record<string, number>, seedSeconds: 0 };
}

/**
 * What the rollup job costs the event path: single events over HTTP, 32 in flight, in rounds of
 * ROUND_MS alternating between the job on its schedule (a pass in the middle of the round: one a
 * minute, each taking the minute's rows) and no job, so the machine's drift hits both alike.
 * Without it, the pass of a round with the job would also take the rows of the round before it
 * (two minutes' rows in one minute: twice the job's share): between rounds, untimed, the brand is
 * rolled up to 100 s before the next round starts, so that round's pass (30 s in, rows up to
 * 70 s before it) takes a minute's rows, a little more by the catch-up's own duration.
 */
async function rollupCost(
  base: string,
  auth: Record<string, string>,
  jobs: JobsService,
  catchUp: (upto: Date) => Promise<void>,
) {
  const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 60_000);
  let n = 0;
  const passes: number[] = [];
  const round = async (withJob: boolean) => {
    const start = performance.now();
    let sent = 0;
    const pass = withJob
      ? new Promise<void>((resolve) =>
          setTimeout(() => {
            const t0 = performance.now();
            void jobs
              .run('analytics-rollup')
              .then(() => passes.push(Math.round(performance.now() - t0)))
              .finally(resolve);
          }, ROUND_MS / 2),
        )
      : Promise.resolve();
    const worker = async () => {
      while (performance.now() - start < ROUND_MS) {
        const i = n++;
        const res = await fetch(`${base}/v1/events`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({
            idempotencyKey: `cost-${Date.now().toString(36)}-${i}`,
            type: i % 3 === 0 ? 'feedback' : 'purchase',
            member: { externalId: `bench-${1 + (i % MEMBERS)}` },
            attributes: i % 3 === 0 ? { rating: 1 + (i % 6), touchpoint: 'checkout' } : { amount: '25.00' },
          }),
        });
        await res.text();
        sent++;
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    const rate = sent / ((performance.now() - start) / 1000);
    await pass;
    return rate;
  };
  const beforeRound = () => catchUp(new Date(Date.now() - ROUND_MS / 2 - 70_000));
  await round(false); // warm-up
  const withRollup: number[] = [];
  const without: number[] = [];
  for (let r = 0; r < 3; r++) {
    await beforeRound();
    withRollup.push(await round(true));
    without.push(await round(false));
  }
  await jobs.run('analytics-rollup');
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
  const a = median(withRollup);
  const b = median(without);
  return {
    withRollupJob: Math.round(a),
    withoutRollupJob: Math.round(b),
    costPercent: Math.round(((b - a) / b) * 1000) / 10,
    rounds: { withRollupJob: withRollup.map(Math.round), withoutRollupJob: without.map(Math.round) },
    rollupPassMs: passes,
    roundMs: ROUND_MS,
    connections: 32,
  };
}

/**
 * The rolled-up answers against the live ones (the marks' zone set to one no brand has: the
 * service then reads every row live), over a fixed window, `asOf` left out.
 */
async function checkAgainstLive(base: string, auth: Record<string, string>, data: DataSource, brandId: string) {
  const to = new Date(Date.now() - 3_600_000);
  const from = new Date(to.getTime() - 90 * DAY);
  const window = `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
  const read = async () => {
    const out: Record<string, unknown> = {};
    for (const endpoint of ENDPOINTS) {
      const res = await fetch(`${base}/v1/analytics/${endpoint}${endpoint.includes('?') ? '&' : '?'}${window}`, {
        headers: auth,
      });
      const body = (await res.json()) as Record<string, unknown>;
      delete body.asOf;
      out[endpoint] = body;
    }
    return out;
  };
  const rolled = await read();
  const [{ timezone }] = (await data.query(`SELECT timezone FROM analytics_marks WHERE brand_id = $1`, [
    brandId,
  ])) as Array<{ timezone: string }>;
  await data.query(`UPDATE analytics_marks SET timezone = 'live-check' WHERE brand_id = $1`, [brandId]);
  const live = await read().finally(() =>
    data.query(`UPDATE analytics_marks SET timezone = $2 WHERE brand_id = $1`, [brandId, timezone]),
  );
  const differ = ENDPOINTS.filter((e) => JSON.stringify(rolled[e]) !== JSON.stringify(live[e]));
  for (const e of differ) {
    log(
      `${e} differs:\n rolled ${JSON.stringify(rolled[e]).slice(0, 600)}\n live   ${JSON.stringify(live[e]).slice(0, 600)}`,
    );
  }
  return { equal: differ.length === 0, differ };
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
