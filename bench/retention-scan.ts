import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { createApp } from '../src/bootstrap.js';
import { BrandsService } from '../src/brands/brands.service.js';
import { loadConfig } from '../src/config/app-config.js';
import type { JobRunView } from '../src/jobs/dto/job-run.dto.js';
import { JobsService } from '../src/jobs/jobs.service.js';
import { createLogger } from '../src/logging/logger.js';
import { RulesService } from '../src/rules/rules.service.js';
import { openBenchDatabase } from './bench-database.js';

/**
 * npm run bench:retention: one full retention scan of a brand with 100,000 members (the starter
 * rules, so inactive members earn the Win-back points), timed in-process against a fresh
 * database (DATABASE_URL's server, else embedded), then the same scan again (what every later
 * hourly run costs: nothing new to pay). BENCH_MEMBERS changes the size.
 */
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100_000);
const TARGET_SECONDS = 20;

/** The size whose time per member the growth figure compares against. */
const BASELINE_MEMBERS = 100_000;

interface ScanRun {
  members: number;
  serverVersion: string;
  embedded: boolean;
  mix: Record<string, number>;
  first: { run: JobRunView; seconds: number };
  again: { run: JobRunView; seconds: number };
  paid: number;
}

/** One fresh database, one brand of `members`, the scan twice. */
async function scanOnce(members: number): Promise<ScanRun> {
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
    const { brand } = await app.get(BrandsService).createBrand('Retention bench');
    await app.get(RulesService).applyLoyaltyLoopTemplate(brand.id, brand.stages, 'bench');
    const mix = await seed(db.url, brand.id, members);
    log(`seeded ${members} members: ${JSON.stringify(mix)}`);

    const jobs = app.get(JobsService);
    const first = await timed(() => jobs.run('retention-scan'));
    if (first.run.status !== 'ok') {
      throw new Error(`scan ${first.run.status}: ${first.run.error}`);
    }
    log(`first scan of ${members}: ${first.seconds.toFixed(2)} s ${JSON.stringify(first.run.processed)}`);
    const again = await timed(() => jobs.run('retention-scan'));
    log(`second scan: ${again.seconds.toFixed(2)} s ${JSON.stringify(again.run.processed)}`);
    const paid = await winBackPoints(db.url, brand.id);
    return { members, serverVersion: db.serverVersion, embedded: db.embedded, mix, first, again, paid };
  } finally {
    await app.close();
    await db.drop();
  }
}

const per100k = (run: ScanRun) => (run.first.seconds / run.members) * 100_000;

async function main() {
  // Past the baseline size, the baseline runs too (first, in the same process), so the growth of
  // the time per member is a ratio of one run.
  const baseline = MEMBERS > BASELINE_MEMBERS ? await scanOnce(BASELINE_MEMBERS) : null;
  const run = await scanOnce(MEMBERS);
  const { first, again } = run;
  const perMemberGrowth = baseline ? round(per100k(run) / per100k(baseline)) : null;
  const met = first.seconds < TARGET_SECONDS;
  const report = {
    at: new Date().toISOString(),
    machine: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      postgres: run.serverVersion,
      database: run.embedded ? 'embedded' : 'server',
    },
    members: MEMBERS,
    seconds: round(first.seconds),
    secondsPer100k: round(per100k(run)),
    perMemberGrowth,
    baseline: baseline ? { members: baseline.members, seconds: round(baseline.first.seconds) } : null,
    setup: { members: MEMBERS, rules: 'loyalty-loop starter', seeded: run.mix },
    firstScan: {
      seconds: round(first.seconds),
      membersScanned: first.run.processed.members,
      eventsMade: first.run.processed.made,
      processed: first.run.processed,
    },
    secondScan: {
      seconds: round(again.seconds),
      eventsMade: again.run.processed.made,
      processed: again.run.processed,
    },
    winBackPoints: run.paid,
    target: { goal: `< ${TARGET_SECONDS} s for one full scan of 100k; < 60 s at 1M, growth ≤ 1.2`, met },
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/retention-scan.json', JSON.stringify(report, null, 2) + '\n');
  console.log(
    [
      ``,
      `members scanned: ${first.run.processed.members}`,
      `events made:     ${first.run.processed.made} (inactive ${first.run.processed.inactive}, anniversary ${first.run.processed.anniversary}, streak ${first.run.processed.streak})`,
      `seconds:         ${first.seconds.toFixed(2)} (second scan, nothing new: ${again.seconds.toFixed(2)} s, ${again.run.processed.made} made)`,
      baseline
        ? `per 100k:        ${round(per100k(run))} s at ${MEMBERS}, ${round(per100k(baseline))} s at ${BASELINE_MEMBERS}: growth ${perMemberGrowth} (target ≤ 1.2)`
        : `per 100k:        ${round(per100k(run))} s`,
      `target < ${TARGET_SECONDS} s: ${met ? 'met' : 'MISSED'}`,
      ``,
    ].join('\n'),
  );
}

/**
 * Members in SQL (the API is not what is measured), the brand's time zone UTC:
 * - 1 in 100 enrolled 1–3 years ago today: an anniversary;
 * - 1 in 10 never bought, enrolled up to 700 days ago (inactive once past 90 days);
 * - 1 in 10 last bought 91–490 days ago: inactive;
 * - the rest bought within the last 85 days; 3 in 100 of them bought in each of the last three
 *   months (purchase events in the events table): a streak.
 */
async function seed(url: string, brandId: string, members: number): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET TIME ZONE 'UTC'`);
    await client.query(
      `INSERT INTO members (brand_id, id, external_id, stage, referral_code, source, enrolled_at, last_purchase_at, purchase_count)
       SELECT $1, gen_random_uuid(), 'm-' || i, CASE WHEN kind = 'never' THEN 'awareness' ELSE 'retention' END,
              'R' || lpad(upper(to_hex(i)), 7, '0'), 'api', enrolled_at,
              CASE kind WHEN 'never' THEN NULL
                        WHEN 'old' THEN now() - (91 + i % 400) * interval '1 day'
                        WHEN 'streak' THEN greatest(date_trunc('month', now()), now() - interval '1 hour')
                        ELSE greatest(enrolled_at, now() - (i % 85) * interval '1 day') END,
              CASE WHEN kind = 'never' THEN 0 ELSE 1 + i % 5 END
         FROM generate_series(0, $2 - 1) AS i,
              LATERAL (SELECT CASE WHEN i % 10 = 0 THEN 'never' WHEN i % 10 = 1 THEN 'old'
                                   WHEN i % 100 IN (2, 3, 4) THEN 'streak' ELSE 'recent' END AS kind,
                              CASE WHEN i % 100 = 50 THEN now() - (1 + i % 3) * interval '1 year'
                                   ELSE now() - (i % 700) * interval '1 day' - interval '1 hour' END AS enrolled_at) AS m`,
      [brandId, members],
    );
    // A streak member's purchases: this month (its last purchase), and the 15th of the two months before.
    await client.query(
      `INSERT INTO events (brand_id, id, idempotency_key, request_hash, type, member_id, occurred_at, attributes, origin)
       SELECT m.brand_id, gen_random_uuid(), 'seed-' || m.external_id || '-' || k, 'seed', 'purchase', m.id,
              CASE k WHEN 0 THEN m.last_purchase_at ELSE date_trunc('month', now()) - k * interval '1 month' + interval '14 days' END,
              '{"amount":"25.00"}', 'seed'
         FROM members m, generate_series(0, 2) AS k
        WHERE m.brand_id = $1 AND substr(m.external_id, 3)::int % 100 IN (2, 3, 4)`,
      [brandId],
    );
    await client.query('ANALYZE');
    await client.query('CHECKPOINT');
    const { rows } = await client.query(
      `SELECT count(*) FILTER (WHERE coalesce(last_purchase_at, enrolled_at) < now() - interval '90 days') AS inactive,
              count(*) FILTER (WHERE to_char(enrolled_at, 'MM-DD') = to_char(now(), 'MM-DD') AND enrolled_at < date_trunc('year', now())) AS anniversaries,
              (SELECT count(DISTINCT member_id) FROM events WHERE brand_id = $1 AND origin = 'seed') AS streaks
         FROM members WHERE brand_id = $1`,
      [brandId],
    );
    return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
  } finally {
    await client.end();
  }
}

async function winBackPoints(url: string, brandId: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT coalesce(sum(l.points), 0) AS points FROM ledger_entries l JOIN events e ON e.brand_id = l.brand_id AND e.id = l.event_id
        WHERE l.brand_id = $1 AND e.type = 'retention'`,
      [brandId],
    );
    return Number(rows[0].points);
  } finally {
    await client.end();
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ run: T; seconds: number }> {
  const started = performance.now();
  const run = await work();
  return { run, seconds: (performance.now() - started) / 1000 };
}

const round = (n: number) => Math.round(n * 100) / 100;
const log = (line: string) => console.log(`[bench:retention] ${line}`);

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
