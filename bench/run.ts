import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { openBenchDatabase } from './bench-database.js';
import { type CpuSample, cpuSample, perEvent, postmasterPid } from './cpu.js';
import { batchCeiling, ceiling, ceilingAtRate } from './db-ceiling.js';
import { runEngineBench } from './engine.bench.js';
import { closedLoop, fixedRate } from './load.js';
import { type BenchReport, markdown, retentionFigures, targetsOf, updateReadme } from './report.js';
import { seed } from './seed.js';
import { type ServiceProcess, startService } from './service-process.js';
import { type WebhookStep, webhookStep } from './webhooks.js';
import { eventBody, skewedMember } from './workload.js';

/**
 * npm run bench: the built service against PostgreSQL (DATABASE_URL, else embedded), loaded
 * over loopback from this process, beside the database ceiling measured the same way.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100_000);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,8,32,64').split(',').map(Number);
/** Service processes on the one database, behind the load generator's round robin. */
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1);
/**
 * BENCH_STEPS=events (or events,batch, events,redemptions, events,webhooks): only the events step
 * (service and ceiling at each concurrency), and the batch, redemption or webhook step if named; printed, nothing
 * written. Default: every step.
 */
const STEPS = process.env.BENCH_STEPS ? new Set(process.env.BENCH_STEPS.split(',')) : null;

function logWebhooks(w: WebhookStep): void {
  log(
    `c=32 with an endpoint on points.earned: ${w.service.perSecond}/s, disabled ${w.plainPerSecond}/s (${Math.round(w.ratio * 100)} %; rounds ${w.rounds.withEndpoint.join('/')} against ${w.rounds.withoutEndpoint.join('/')}), ${w.delivered} delivered; CPU/event with ${JSON.stringify(w.cpuPerEvent.withEndpoint)}, without ${JSON.stringify(w.cpuPerEvent.withoutEndpoint)}`,
  );
}

async function main() {
  const db = await openBenchDatabase();
  const services: ServiceProcess[] = [];
  try {
    for (let i = 0; i < INSTANCES; i++) {
      // The bench's webhook receiver listens on 127.0.0.1.
      services.push(await startService(db.url, { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }));
    }
    const [service] = services;
    const bases = services.map((s) => s.base);
    const postmaster = await postmasterPid(db.url);
    const cpu = () =>
      cpuSample(
        services.map((s) => s.pid),
        postmaster,
      );
    const brand = await seed(service.base, service.adminToken, db.url, MEMBERS);
    log(`seeded ${MEMBERS} members, ${brand.rules} rules`);
    const auth = { authorization: `Bearer ${brand.key}` };
    let n = 0;
    const nextEvent = () => eventBody(`bench-${n++}`, skewedMember(MEMBERS));

    await closedLoop(bases, '/v1/events', auth, 8, 3, nextEvent); // warm-up: JIT, caches, pool
    const events: BenchReport['events'] = [];
    for (const c of CONCURRENCY) {
      await checkpoint(db.url);
      const before = cpu();
      const xidBefore = await nextXid(db.url);
      const s = await closedLoop(bases, '/v1/events', auth, c, SECONDS, nextEvent);
      const serviceCpu = perEvent(before, cpu(), s.ok);
      const writeCommits = (await nextXid(db.url)) - xidBefore;
      await checkpoint(db.url);
      const beforeCeiling = cpu();
      const d = await ceiling(db.url, brand.brandId, brand.memberIds, c, SECONDS);
      // The ceiling's backends exit with its pool: give the postmaster a moment to reap them (their CPU is then its children's).
      await new Promise((r) => setTimeout(r, 300));
      const ceilingCpu = perEvent(beforeCeiling, cpu(), d.ok);
      const cpuUs = {
        service: serviceCpu.serviceUs + serviceCpu.postgresUs,
        ceiling: ceilingCpu.postgresUs + ceilingCpu.benchUs,
      };
      events.push({
        concurrency: c,
        service: s,
        ceiling: d,
        ratio: s.perSecond / d.perSecond,
        cpu: {
          service: {
            nodeUs: serviceCpu.serviceUs,
            postgresUs: serviceCpu.postgresUs,
            loadGeneratorUs: serviceCpu.benchUs,
          },
          ceiling: { clientUs: ceilingCpu.benchUs, postgresUs: ceilingCpu.postgresUs },
        },
        cpuRatio: Math.round((cpuUs.service / cpuUs.ceiling) * 100) / 100,
        eventsPerCommit: Math.round((s.ok / Math.max(1, writeCommits)) * 10) / 10,
      });
      log(
        `c=${c}: service ${s.perSecond}/s p99 ${s.p99} ms (errors ${s.errors}, ${events.at(-1)!.eventsPerCommit} events/commit), CPU/event node ${serviceCpu.serviceUs} µs + pg ${serviceCpu.postgresUs} µs; ` +
          `ceiling ${d.perSecond}/s, CPU/event client ${ceilingCpu.benchUs} µs + pg ${ceilingCpu.postgresUs} µs`,
      );
    }
    if (STEPS) {
      const batch = STEPS.has('batch') ? await batchStep(db.url, bases, auth, brand, nextEvent) : null;
      const redemptions = STEPS.has('redemptions')
        ? await redemptionStep(db.url, service.base, auth, brand, events, cpu)
        : null;
      const webhooks = STEPS.has('webhooks')
        ? await webhookStep(bases, auth, service.adminToken, 32, SECONDS, nextEvent, cpu)
        : null;
      if (webhooks) {
        logWebhooks(webhooks);
      }
      console.log(JSON.stringify({ events, batch, redemptions, webhooks }));
      return;
    }
    await checkpoint(db.url);
    const webhooks = await webhookStep(bases, auth, service.adminToken, 32, SECONDS, nextEvent, cpu);
    logWebhooks(webhooks);
    const peak = Math.max(...events.map((e) => e.service.perSecond));
    const halfRate = Math.max(1, Math.round(peak / 2));
    await checkpoint(db.url);
    // After a checkpoint every first write of a page logs the whole page: let that pass before measuring.
    await fixedRate(bases, '/v1/events', auth, halfRate, 3, nextEvent);
    const halfPeak = await fixedRate(bases, '/v1/events', auth, halfRate, SECONDS, nextEvent);
    await checkpoint(db.url);
    await ceilingAtRate(db.url, brand.brandId, brand.memberIds, halfRate, 3);
    const ceilingAtHalfPeak = await ceilingAtRate(db.url, brand.brandId, brand.memberIds, halfRate, SECONDS);
    log(
      `half peak ${halfPeak.concurrency}/s: p99 ${halfPeak.p99} ms; the database's own writes at that rate: p99 ${ceilingAtHalfPeak.p99} ms`,
    );
    const batch = await batchStep(db.url, bases, auth, brand, nextEvent);
    const redemptions = await redemptionStep(db.url, service.base, auth, brand, events, cpu);
    const engine = await runEngineBench();

    const partial = {
      at: new Date().toISOString(),
      machine: {
        cores: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        postgres: db.serverVersion,
        database: db.embedded ? 'embedded' : 'server',
      },
      setup: { members: MEMBERS, rules: brand.rules, seconds: SECONDS, instances: INSTANCES },
      events,
      halfPeak: { ...halfPeak, p99Ratio: halfPeak.p99 / ceilingAtHalfPeak.p99 },
      ceilingAtHalfPeak,
      webhooks,
      batch,
      redemptions,
      engine,
      retention: retentionFigures(),
    };
    const report: BenchReport = { ...partial, targets: targetsOf(partial) };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/latest.json', JSON.stringify(report, null, 2) + '\n');
    const table = markdown(report);
    writeFileSync('bench/results/latest.md', table + '\n');
    if (process.env.BENCH_UPDATE_README !== '0' && updateReadme(table)) {
      log('README.md updated');
    }
    console.log('\n' + table + '\n');
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    await db.drop();
  }
}

/** Batches of 500 at 2 connections, beside the same writes set-based straight through pg. */
async function batchStep(
  url: string,
  bases: string[],
  auth: Record<string, string>,
  brand: { brandId: string; memberIds: string[] },
  nextEvent: () => unknown,
): Promise<BenchReport['batch']> {
  await checkpoint(url);
  const batchService = await closedLoop(
    bases,
    '/v1/events/batch',
    auth,
    2,
    SECONDS,
    () => ({ events: Array.from({ length: 500 }, nextEvent) }),
    500,
  );
  await checkpoint(url);
  const batchCeilingResult = await batchCeiling(url, brand.brandId, brand.memberIds, 2, SECONDS, 500);
  const batch = {
    ...batchService,
    ceiling: batchCeilingResult,
    ratio: batchService.perSecond / batchCeilingResult.perSecond,
  };
  log(
    `batch: ${batch.perSecond} events/s (errors ${batch.errors}); set-based: ${batchCeilingResult.perSecond} events/s (errors ${batchCeilingResult.errors})`,
  );
  return batch;
}

/** Unlimited redemptions at 32 connections, over the event ceiling at 32, with their CPU, commits and lock waits. */
async function redemptionStep(
  url: string,
  base: string,
  auth: Record<string, string>,
  brand: { brandId: string },
  events: BenchReport['events'],
  cpu: () => CpuSample,
): Promise<BenchReport['redemptions']> {
  await checkpoint(url);
  const reward = await benchPerk(base, auth, url, brand.brandId);
  const before = cpu();
  const commitsBefore = await commits(url);
  const sampler = waitSampler(url);
  const redeemed = await redemptionThroughput(base, auth, reward, MEMBERS, SECONDS);
  const waits = await sampler.stop();
  const perRedemption = perEvent(before, cpu(), redeemed.ok);
  const commitsPerRedemption =
    Math.round((((await commits(url)) - commitsBefore) / Math.max(1, redeemed.ok)) * 10) / 10;
  const ceilingAt32 = events.find((e) => e.concurrency === 32)?.ceiling.perSecond ?? NaN;
  const redemptions = {
    ...redeemed,
    ratio: redeemed.perSecond / ceilingAt32,
    cpu: { nodeUs: perRedemption.serviceUs, postgresUs: perRedemption.postgresUs },
    commitsPerRedemption,
    waits,
  };
  log(
    `redemptions: ${redemptions.perSecond}/s p99 ${redemptions.p99} ms (errors ${redemptions.errors}), ` +
      `CPU/redemption node ${perRedemption.serviceUs} µs + pg ${perRedemption.postgresUs} µs, ${commitsPerRedemption} commits/redemption, ` +
      `backends waiting per sample: ${JSON.stringify(waits)}`,
  );
  return redemptions;
}

/** Committed transactions of the bench database so far (the stats flush about once a second: read after a pause). */
async function commits(url: string): Promise<number> {
  await new Promise((r) => setTimeout(r, 1200));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const row = (
    await client.query('SELECT xact_commit::bigint AS n FROM pg_stat_database WHERE datname = current_database()')
  ).rows[0];
  await client.end();
  return Number(row.n);
}

/**
 * Samples the active backends' wait events every 50 ms: the mean number of backends in each
 * wait (Lock:transactionid is a row lock held by another transaction, e.g. a hot member's row).
 */
function waitSampler(url: string): { stop(): Promise<Record<string, number>> } {
  const client = new pg.Client({ connectionString: url });
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const rows = (
        await client.query(
          `SELECT CASE WHEN state = 'active' THEN coalesce(wait_event_type || ':' || wait_event, 'CPU') ELSE state END AS w,
                  count(*)::int AS n
             FROM pg_stat_activity
            WHERE datname = current_database() AND state IN ('active', 'idle in transaction') AND pid <> pg_backend_pid()
            GROUP BY 1`,
        )
      ).rows as Array<{ w: string; n: number }>;
      samples++;
      for (const r of rows) {
        counts.set(r.w, (counts.get(r.w) ?? 0) + r.n);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await client.end();
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return Object.fromEntries(
        [...counts]
          .map(([w, n]) => [w, Math.round((n / Math.max(1, samples)) * 10) / 10])
          .sort((a, b) => Number(b[1]) - Number(a[1])),
      );
    },
  };
}

/**
 * Redemptions of an unlimited perk by random members at 32 connections. The members' points
 * are credited straight in SQL first (the API is not what is measured here), each with a lot.
 */
async function benchPerk(base: string, auth: Record<string, string>, url: string, brandId: string): Promise<string> {
  const created = await fetch(`${base}/v1/rewards`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Bench perk', kind: 'perk', perkText: 'A sticker', costPoints: 10 }),
  });
  if (!created.ok) {
    throw new Error(`reward: ${created.status} ${await created.text()}`);
  }
  const reward = (await created.json()) as { id: string };
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    `WITH credited AS (UPDATE members SET points_available = points_available + 100000 WHERE brand_id = $1 RETURNING id, points_available, points_pending)
     INSERT INTO ledger_entries (brand_id, id, member_id, kind, status, points, balance_after, reason, actor, available_at, lot_remaining)
     SELECT $1, gen_random_uuid(), id, 'adjust', 'available', 100000, points_available + points_pending, 'bench credit', 'bench', now(), 100000 FROM credited`,
    [brandId],
  );
  await client.end();
  return reward.id;
}

async function redemptionThroughput(
  base: string,
  auth: Record<string, string>,
  rewardId: string,
  members: number,
  seconds: number,
) {
  let n = 0;
  return closedLoop(
    base,
    '',
    auth,
    32,
    seconds,
    () => ({ rewardId, idempotencyKey: `bench-redeem-${n++}` }),
    1,
    () => `/v1/members/m-${skewedMember(members)}/redemptions`,
  );
}

/**
 * The next transaction id the server will assign: only a transaction that writes takes one, so
 * its growth over a step is the step's write commits (the read-only API-key lookups take none).
 * Reading it takes none either.
 */
async function nextXid(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const row = (await client.query('SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xid')).rows[0];
  await client.end();
  return Number(row.xid);
}

/** Each step starts from a fresh checkpoint, so one step's dirty pages are not the next one's I/O. */
async function checkpoint(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('CHECKPOINT');
  await client.end();
}

function log(line: string) {
  console.error(`[bench] ${line}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
