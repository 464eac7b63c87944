import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { AnalyticsRollupJob } from '../src/analytics/analytics-rollup.job.js';
import { AnalyticsRollupRepository } from '../src/analytics/analytics-rollup.repository.js';
import { HistorySeedRepository } from '../src/analytics/history-seed.repository.js';
import { createApp } from '../src/bootstrap.js';
import { BrandsService } from '../src/brands/brands.service.js';
import { loadConfig } from '../src/config/app-config.js';
import { runMigrations } from '../src/database/migrations.js';
import { createLogger } from '../src/logging/logger.js';
import { RulesService } from '../src/rules/rules.service.js';

/**
 * npm run bench:rollup-pass: what one analytics-rollup pass costs per rolled row, statement by
 * statement, on a fixed slice of new activity.
 *
 * ROLLUP_PASS=prepare (once): a template database on DATABASE_URL's server with a seeded history
 * (BENCH_MEMBERS, default 20,000 members, about 200,000 events), rolled up, then SLICE (20,000)
 * events sent one by one over HTTP (32 in flight, the mix of bench:analytics' event-path rounds)
 * above the marks (SLICES=2: a second slice after it, measured, the first rolled up by the
 * catch-up); its name and the measured slice's start go to bench/results/rollup-pass-base.json.
 * ROLLUP_PASS=measure (default): REPS (3) times, a copy of the template, migrated by this build
 * (a migration may reset the rollups), rolled up to the slice's start, VACUUM ANALYZE, then one
 * timed pass over the slice: each statement's total ms, and per 10,000 rolled events.
 */
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 20_000);
const ACTIVITY = Number(process.env.BENCH_ACTIVITY ?? 2.06);
const SLICE = Number(process.env.SLICE ?? 20_000);
const REPS = Number(process.env.REPS ?? 3);
const BASE_FILE = process.env.BASE_FILE ?? 'bench/results/rollup-pass-base.json';
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Base {
  template: string;
  brandId: string;
  sliceFrom: string;
}

const dbUrl = (name: string) => {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
};

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function appOn(url: string) {
  const config = loadConfig({
    DATABASE_URL: url,
    ADMIN_TOKEN: 'bench-admin-token-0123456789',
    SECRETS_KEY: Buffer.alloc(32, 0x5e).toString('base64'),
    LOG_LEVEL: 'warn',
    SCHEDULER_ENABLED: 'false',
  });
  return createApp({ config, databaseUrl: url, logger: createLogger(config.logLevel) });
}

async function prepare() {
  const template = `rollup_pass_${Date.now().toString(36)}`;
  await admin((c) => c.query(`CREATE DATABASE ${template}`));
  await runMigrations(dbUrl(template));
  const app = await appOn(dbUrl(template));
  let base: Base;
  try {
    const data = app.get(DataSource);
    const brands = app.get(BrandsService);
    const created = await brands.createBrand('Analytics bench');
    const brandId = created.brand.id;
    await app.get(RulesService).applyLoyaltyLoopTemplate(brandId, created.brand.stages, 'bench');
    await brands.updateBrand(brandId, { settings: { pointValue: '0.01', inactiveDays: 30 } });
    const seeded = await data.transaction((em) =>
      app.get(HistorySeedRepository).seed(em, brandId, {
        members: MEMBERS,
        days: 365,
        activity: ACTIVITY,
        externalIdPrefix: 'bench-',
        now: new Date(),
      }),
    );
    log(`seeded ${JSON.stringify(seeded)}`);
    await data.query('VACUUM ANALYZE');
    let sliceFrom = new Date();
    await app.get(AnalyticsRollupJob).rebuild(brandId);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/v1/events`;
    const headers = { Authorization: `Bearer ${created.apiKey.key}`, 'Content-Type': 'application/json' };
    const send = async (slice: number) => {
      let n = 0;
      const t0 = performance.now();
      const worker = async () => {
        for (let i = n++; i < SLICE; i = n++) {
          const res = await fetch(url, {
            method: 'POST',
            headers,
            body: JSON.stringify({
              idempotencyKey: `slice-${slice}-${i}`,
              type: i % 3 === 0 ? 'feedback' : 'purchase',
              member: { externalId: `bench-${1 + ((i * 7919) % MEMBERS)}` },
              attributes: i % 3 === 0 ? { rating: 1 + (i % 6), touchpoint: 'checkout' } : { amount: '25.00' },
            }),
          });
          await res.text();
          if (res.status !== 201) {
            throw new Error(`event ${i}: ${res.status}`);
          }
        }
      };
      await Promise.all(Array.from({ length: 32 }, worker));
      log(`slice of ${SLICE} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    };
    await send(0);
    // SLICES=2: the measured slice follows one the catch-up pass rolls up with the code under test,
    // as a pass a minute follows the last (today's member-days, pairs and purchases were just written)
    if (process.env.SLICES === '2') {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      sliceFrom = new Date();
      await send(1);
    }
    await data.query('VACUUM ANALYZE');
    base = { template, brandId, sliceFrom: sliceFrom.toISOString() };
  } finally {
    await app.close();
  }
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(BASE_FILE, JSON.stringify(base, null, 2) + '\n');
  log(`template ${template}; wait 70 s before measuring (the pass stays 70 s behind now)`);
}

/** Statement totals by the SQL's first words, while `on`. */
const times = new Map<string, { ms: number; calls: number }>();
let on = false;
/** EXPLAIN=1: each rollup statement's plan (ANALYZE, BUFFERS) to bench/results/rollup-pass-plans.txt. */
const EXPLAIN = Boolean(process.env.EXPLAIN);
const plans: string[] = [];
const query = EntityManager.prototype.query;
EntityManager.prototype.query = async function <T>(this: EntityManager, sql: string, params?: unknown[]): Promise<T> {
  if (!on) {
    return query.call(this, sql, params) as Promise<T>;
  }
  if (EXPLAIN && /^\s*(WITH|INSERT|UPDATE)/.test(sql) && !sql.includes('analytics_marks')) {
    // the plan of the statement as it runs, then undone: the pass goes on with the real run
    await query.call(this, 'SAVEPOINT plan');
    const plan = (await query.call(this, `EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)) as Array<Record<string, string>>;
    await query.call(this, 'ROLLBACK TO SAVEPOINT plan');
    plans.push(`${sql}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}\n`);
  }
  const t0 = performance.now();
  try {
    return (await query.call(this, sql, params)) as T;
  } finally {
    const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
    const t = times.get(key) ?? { ms: 0, calls: 0 };
    t.ms += performance.now() - t0;
    t.calls++;
    times.set(key, t);
  }
};

async function measure() {
  const base = JSON.parse(readFileSync(BASE_FILE, 'utf8')) as Base;
  const runs: Array<{ totalMs: number; processed: Record<string, number>; statements: Record<string, number> }> = [];
  for (let r = 0; r < REPS; r++) {
    const name = `${base.template}_m${r}`;
    await admin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.query(`CREATE DATABASE ${name} TEMPLATE ${base.template}`);
    });
    try {
      await runMigrations(dbUrl(name));
      const app = await appOn(dbUrl(name));
      try {
        const data = app.get(DataSource);
        const job = app.get(AnalyticsRollupJob);
        const rollups = app.get(AnalyticsRollupRepository);
        const shape = await rollups.brandShape(data.manager, base.brandId);
        await job.rollBrand(base.brandId, shape, new Date(base.sliceFrom));
        await data.query('VACUUM ANALYZE');
        times.clear();
        const processed: Record<string, number> = {};
        on = true;
        const t0 = performance.now();
        await job.rollBrand(base.brandId, shape, await rollups.safeUpto(data.manager), processed);
        const totalMs = performance.now() - t0;
        on = false;
        const statements = Object.fromEntries(
          [...times].sort((a, b) => b[1].ms - a[1].ms).map(([k, v]) => [k, Math.round(v.ms)]),
        );
        if (process.env.CHECK) {
          log(`settled as recomputed: ${JSON.stringify(await rollups.unsettled(data.manager, base.brandId))}`);
        }
        runs.push({ totalMs: Math.round(totalMs), processed, statements });
        log(`pass ${r}: ${Math.round(totalMs)} ms ${JSON.stringify(processed)}`);
      } finally {
        await app.close();
      }
    } finally {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  }
  const per10k = (ms: number, events: number) => Math.round((ms / events) * 10_000);
  const keys = Object.keys(runs[0].statements);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const events = runs[0].processed.events ?? 0;
  console.log(`\nrolled ${JSON.stringify(runs[0].processed)}; ms per 10k rolled events, median of ${REPS}:`);
  console.log(`| statement | ${runs.map((_, i) => `pass ${i}`).join(' | ')} | median |`);
  for (const k of keys) {
    const xs = runs.map((x) => per10k(x.statements[k] ?? 0, events));
    console.log(`| ${k} | ${xs.join(' | ')} | ${median(xs)} |`);
  }
  const totals = runs.map((x) => per10k(x.totalMs, events));
  console.log(`| whole pass | ${totals.join(' | ')} | ${median(totals)} |`);
  if (EXPLAIN) {
    writeFileSync('bench/results/rollup-pass-plans.txt', plans.join('\n'));
  }
  writeFileSync('bench/results/rollup-pass.json', JSON.stringify({ base, runs }, null, 2) + '\n');
}

const log = (s: string) => console.error(`[bench:rollup-pass] ${s}`);

void (process.env.ROLLUP_PASS === 'prepare' ? prepare() : measure()).catch((e) => {
  console.error(e);
  process.exit(1);
});
