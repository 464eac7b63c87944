import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { createApp } from '../src/bootstrap.js';
import { BrandsService } from '../src/brands/brands.service.js';
import { loadConfig } from '../src/config/app-config.js';
import type { ScanCpu } from './report.js';
import type { JobRunView } from '../src/jobs/dto/job-run.dto.js';
import { JobsService } from '../src/jobs/jobs.service.js';
import { createLogger } from '../src/logging/logger.js';
import { RulesService } from '../src/rules/rules.service.js';
import { openBenchDatabase } from './bench-database.js';
import { type BenchReport, markdown, type RetentionFigures, targetsOf, updateReadme } from './report.js';

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
  first: { run: JobRunView; seconds: number; cpu: ScanCpu };
  again: { run: JobRunView; seconds: number; cpu: ScanCpu };
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
    const first = await timed(() => jobs.run('retention-scan'), db.url);
    if (first.run.status !== 'ok') {
      throw new Error(`scan ${first.run.status}: ${first.run.error}`);
    }
    log(
      `first scan of ${members}: ${first.seconds.toFixed(2)} s (CPU: node ${first.cpu.nodeSeconds} s, pg ${first.cpu.postgresSeconds} s) ${JSON.stringify(first.run.processed)}`,
    );
    const again = await timed(() => jobs.run('retention-scan'), db.url);
    log(
      `second scan: ${again.seconds.toFixed(2)} s (CPU: node ${again.cpu.nodeSeconds} s, pg ${again.cpu.postgresSeconds} s) ${JSON.stringify(again.run.processed)}`,
    );
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
  const cpuPer100k = (r: ScanRun) => ((r.first.cpu.nodeSeconds + r.first.cpu.postgresSeconds) / r.members) * 100_000;
  const perMemberCpuGrowth = baseline ? round(cpuPer100k(run) / cpuPer100k(baseline)) : null;
  const goal = MEMBERS >= 1_000_000 ? `< 60 s, growth ≤ 1.2` : `< ${TARGET_SECONDS} s`;
  const met =
    MEMBERS >= 1_000_000
      ? first.seconds < 60 && perMemberGrowth !== null && perMemberGrowth <= 1.2
      : first.seconds < TARGET_SECONDS;
  const figures: RetentionFigures = {
    members: MEMBERS,
    seconds: round(first.seconds),
    secondsPer100k: round(per100k(run)),
    perMemberGrowth,
    baseline: baseline
      ? { members: baseline.members, seconds: round(baseline.first.seconds), secondsPer100k: round(per100k(baseline)) }
      : null,
    cpuSeconds: first.cpu,
    perMemberCpuGrowth,
  };
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
    ...figures,
    baseline: baseline
      ? { ...figures.baseline, cpuSeconds: baseline.first.cpu, secondScanSeconds: round(baseline.again.seconds) }
      : null,
    setup: { members: MEMBERS, rules: 'loyalty-loop starter', seeded: run.mix },
    firstScan: {
      seconds: round(first.seconds),
      cpuSeconds: first.cpu,
      membersScanned: first.run.processed.members,
      eventsMade: first.run.processed.made,
      processed: first.run.processed,
    },
    secondScan: {
      seconds: round(again.seconds),
      cpuSeconds: again.cpu,
      eventsMade: again.run.processed.made,
      processed: again.run.processed,
    },
    winBackPoints: run.paid,
    target: { goal, met },
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/retention-scan.json', JSON.stringify(report, null, 2) + '\n');
  if (mergeIntoLatest(figures)) {
    log('bench/results/latest.json: retention updated');
  }
  console.log(
    [
      ``,
      `members scanned: ${first.run.processed.members}`,
      `events made:     ${first.run.processed.made} (inactive ${first.run.processed.inactive}, anniversary ${first.run.processed.anniversary}, streak ${first.run.processed.streak})`,
      `seconds:         ${first.seconds.toFixed(2)} (CPU: node ${first.cpu.nodeSeconds} s, pg ${first.cpu.postgresSeconds} s; second scan, nothing new: ${again.seconds.toFixed(2)} s, ${again.run.processed.made} made)`,
      baseline
        ? `per 100k:        ${round(per100k(run))} s at ${MEMBERS}, ${round(per100k(baseline))} s at ${BASELINE_MEMBERS}: growth ${perMemberGrowth} (target ≤ 1.2; of CPU: ${perMemberCpuGrowth})`
        : `per 100k:        ${round(per100k(run))} s`,
      `target ${goal}: ${met ? 'met' : 'MISSED'}`,
      ``,
    ].join('\n'),
  );
}

/**
 * The figures go into the last full bench's latest.json (its other keys kept) and its target
 * table is drawn again, into latest.md and the README, so no second `npm run bench` is needed.
 */
function mergeIntoLatest(figures: RetentionFigures, path = 'bench/results/latest.json'): boolean {
  if (!existsSync(path)) {
    return false;
  }
  const latest = JSON.parse(readFileSync(path, 'utf8')) as BenchReport;
  latest.retention = figures;
  latest.targets = targetsOf(latest);
  writeFileSync(path, JSON.stringify(latest, null, 2) + '\n');
  const table = markdown(latest);
  writeFileSync('bench/results/latest.md', table + '\n');
  if (process.env.BENCH_UPDATE_README !== '0' && updateReadme(table)) {
    log('README.md updated');
  }
  return true;
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
    // Ids as the service makes them (UUID v7 of the enrolment's millisecond, src/common/ids.ts), the
    // rows inserted in enrolment order: the table's pages follow the primary key, as a table the
    // service grew would (PostgreSQL 15 has no uuidv7() of its own).
    await client.query(
      `CREATE FUNCTION uuid_v7(at timestamptz) RETURNS uuid LANGUAGE sql AS $$
         SELECT (lpad(to_hex((extract(epoch FROM at) * 1000)::bigint), 12, '0') || '7' || substr(r, 1, 3) || '8'
                 || substr(r, 4, 15))::uuid
           FROM md5(random()::text || clock_timestamp()::text) AS r $$`,
    );
    await client.query(
      `INSERT INTO members (brand_id, id, external_id, stage, referral_code, source, enrolled_at, last_purchase_at, purchase_count)
       SELECT $1, uuid_v7(enrolled_at), 'm-' || i, CASE WHEN kind = 'never' THEN 'awareness' ELSE 'retention' END,
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
                                   ELSE now() - (i % 700) * interval '1 day' - interval '1 hour' END AS enrolled_at) AS m
        ORDER BY enrolled_at`,
      [brandId, members],
    );
    await client.query(`DROP FUNCTION uuid_v7`);
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

async function timed<T>(work: () => Promise<T>, url: string): Promise<{ run: T; seconds: number; cpu: ScanCpu }> {
  const backendsBefore = await backendTicks(url);
  const nodeBefore = process.cpuUsage();
  const started = performance.now();
  const run = await work();
  const seconds = (performance.now() - started) / 1000;
  const node = process.cpuUsage(nodeBefore);
  const backendsAfter = await backendTicks(url);
  // A backend started during the scan counts whole; one that ended during it is lost (the pool keeps them).
  let ticks = 0;
  for (const [pid, t] of backendsAfter) {
    ticks += t - (backendsBefore.get(pid) ?? 0);
  }
  return {
    run,
    seconds,
    cpu: { nodeSeconds: round((node.user + node.system) / 1e6), postgresSeconds: round(ticks / CLOCK_TICKS) },
  };
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** utime + stime, in clock ticks, of every backend connected to the database of `url` (read from /proc). */
async function backendTicks(url: string): Promise<Map<number, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    const ticks = new Map<number, number>();
    for (const { pid } of rows) {
      try {
        const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
        ticks.set(pid, Number(fields[11]) + Number(fields[12])); // utime, stime (fields 14 and 15)
      } catch {
        // ended between the listing and the read
      }
    }
    return ticks;
  } finally {
    await client.end();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
const log = (line: string) => console.log(`[bench:retention] ${line}`);

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
