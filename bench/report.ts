import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { EngineBenchResult } from './engine.bench.js';
import type { LoadResult } from './load.js';
import type { WebhookStep } from './webhooks.js';

export interface EventsStep {
  concurrency: number;
  service: LoadResult;
  ceiling: LoadResult;
  ratio: number;
  /** µs of CPU per event, read from /proc around each step. */
  cpu: {
    service: { nodeUs: number; postgresUs: number; loadGeneratorUs: number };
    ceiling: { clientUs: number; postgresUs: number };
  };
  /** (service node + its PostgreSQL) / (ceiling client + its PostgreSQL), per event. */
  cpuRatio: number;
  /** Events per write transaction of the service (group commit): events / transaction ids the step took. */
  eventsPerCommit: number;
}

/** What `npm run bench:retention` measured (bench/results/retention-scan.json), when it has run. */
export interface RetentionFigures {
  members: number;
  seconds: number;
  secondsPer100k: number;
  /** s per 100k members at the largest run / at 100k (≤ 1.2: the scan stays linear). */
  perMemberGrowth: number | null;
  /** The 100k run of the same process, when the largest run was bigger. */
  baseline?: { members: number; seconds: number; secondsPer100k: number } | null;
  /** CPU of the scan at the largest run: the bench process and the database's backends. */
  cpuSeconds?: ScanCpu;
  /** The same growth, of CPU seconds (less moved by other load on the machine). */
  perMemberCpuGrowth?: number | null;
}

/** CPU seconds of the bench process (the service in-process) and of the PostgreSQL backends serving it. */
export interface ScanCpu {
  nodeSeconds: number;
  postgresSeconds: number;
}

export interface BenchReport {
  at: string;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; postgres: string; database: string };
  setup: { members: number; rules: number; seconds: number; instances: number };
  events: EventsStep[];
  /** At a fixed half of the peak rate; p99Ratio = its p99 / the bare writes' p99 at that rate. */
  halfPeak: LoadResult & { p99Ratio: number };
  /** The ceiling's writes at the same fixed rate: how much of the tail is the disk's. */
  ceilingAtHalfPeak: LoadResult;
  /** Batches of 500 against the same writes set-based through pg (ratio = events/s over the ceiling's). */
  batch: LoadResult & { ceiling: LoadResult; ratio: number };
  /** Unlimited-stock redemptions at 32 connections; ratio = over the event ceiling at 32. */
  redemptions: LoadResult & {
    ratio: number;
    /** µs of CPU per redemption in the service and in PostgreSQL. */
    cpu?: { nodeUs: number; postgresUs: number };
    commitsPerRedemption?: number;
    /** Mean backends per 50 ms sample in each wait ('CPU': running, 'idle in transaction': waiting on the service). */
    waits?: Record<string, number>;
  };
  /** Events at 32 connections with one webhook endpoint subscribed to points.earned; ratio = over the plain figure at 32. */
  webhooks: WebhookStep;
  engine: EngineBenchResult;
  retention: RetentionFigures | null;
  targets: Array<{ name: string; key: string; target: string; measured: string; met: boolean | null }>;
}

export function targetsOf(r: Omit<BenchReport, 'targets'>): BenchReport['targets'] {
  const at = (c: number) => r.events.find((e) => e.concurrency === c);
  const eventRatio = (c: number, goal: number) => {
    const e = at(c);
    return {
      name: `service / ceiling at ${c} connection${c === 1 ? '' : 's'}`,
      key: `events[concurrency=${c}].ratio`,
      target: `≥ ${goal}`,
      measured: e ? `${e.ratio.toFixed(2)} (${e.service.perSecond} against ${e.ceiling.perSecond} events/s)` : 'n/a',
      met: e ? e.ratio >= goal : false,
    };
  };
  const at32 = at(32);
  return [
    eventRatio(1, 0.5),
    eventRatio(32, 1.5),
    eventRatio(64, 3.0),
    {
      name: `p99 at half the peak rate (${r.halfPeak.concurrency}/s) / the bare writes' p99 at that rate`,
      key: 'halfPeak.p99Ratio',
      target: '≤ 1',
      measured: `${r.halfPeak.p99Ratio.toFixed(2)} (${r.halfPeak.p99} ms against ${r.ceilingAtHalfPeak.p99} ms)`,
      met: r.halfPeak.p99Ratio <= 1 && r.halfPeak.errors === 0,
    },
    {
      name: 'batch of 500 / batch ceiling',
      key: 'batch.ratio',
      target: '≥ 0.5',
      measured: `${r.batch.ratio.toFixed(2)} (${r.batch.perSecond} against ${r.batch.ceiling.perSecond} events/s)`,
      met: r.batch.ratio >= 0.5,
    },
    {
      name: 'unlimited redemptions at 32 connections / event ceiling at 32',
      key: 'redemptions.ratio',
      target: '≥ 0.5',
      measured: `${r.redemptions.ratio.toFixed(2)} (${r.redemptions.perSecond}/s)`,
      met: r.redemptions.ratio >= 0.5,
    },
    {
      name: 'events/s at 32 connections with one webhook endpoint (points.earned) / without',
      key: 'webhooks.ratio',
      target: '≥ 0.9',
      measured: `${r.webhooks.ratio.toFixed(2)} (${r.webhooks.service.perSecond} against ${r.webhooks.plainPerSecond} events/s in alternating rounds; ${r.webhooks.deliveredDuringLoad} delivered during the load)`,
      met: r.webhooks.ratio >= 0.9 && r.webhooks.service.errors === 0,
    },
    {
      name: 'engine, 1,000 rules, median',
      key: 'engine.medianUs',
      target: '≤ 20 µs',
      measured: `${r.engine.medianUs} µs`,
      met: r.engine.medianUs <= 20,
    },
    {
      name: 'json-rules-engine median / our engine median (1,000 rules)',
      key: 'engine.ratioToJsonRulesEngine',
      target: '≥ 30',
      measured: `${r.engine.ratioToJsonRulesEngine} (${r.engine.jsonRulesEngine.medianUs} µs against ${r.engine.medianUs} µs)`,
      met: r.engine.ratioToJsonRulesEngine >= 30,
    },
    {
      name: "service CPU µs per event at 32 connections / ceiling's",
      key: 'events[concurrency=32].cpuRatio',
      target: 'report',
      measured: at32
        ? `${at32.cpuRatio} (node ${at32.cpu.service.nodeUs} + pg ${at32.cpu.service.postgresUs} against client ${at32.cpu.ceiling.clientUs} + pg ${at32.cpu.ceiling.postgresUs})`
        : 'n/a',
      met: null,
    },
    {
      name: 'retention scan: s per 100k members at 1M / at 100k',
      key: 'retention.perMemberGrowth',
      target: '≤ 1.2',
      measured:
        r.retention?.perMemberGrowth != null
          ? `${r.retention.perMemberGrowth} (${r.retention.members.toLocaleString('en')} members in ${r.retention.seconds} s` +
            (r.retention.baseline
              ? `, ${r.retention.baseline.members.toLocaleString('en')} in ${r.retention.baseline.seconds} s)`
              : ')')
          : 'not run (npm run bench:retention with BENCH_MEMBERS=1000000)',
      met: r.retention?.perMemberGrowth != null ? r.retention.perMemberGrowth <= 1.2 : false,
    },
  ];
}

export function markdown(r: BenchReport): string {
  const lines = [
    `Measured ${r.at} on ${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}, PostgreSQL ${r.machine.postgres} (${r.machine.database}); ` +
      `${r.setup.members.toLocaleString('en')} members, ${r.setup.rules} rules, ${r.setup.seconds} s per step, ${r.setup.instances} service instance(s).`,
    '',
    '| connections | service events/s | p50 ms | p95 ms | p99 ms | ceiling events/s | ceiling p99 ms | service / ceiling | CPU µs/event: node + pg | ceiling: client + pg | CPU ratio | events per commit |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.events.map(
      (e) =>
        `| ${e.concurrency} | ${e.service.perSecond} | ${e.service.p50} | ${e.service.p95} | ${e.service.p99} | ${e.ceiling.perSecond} | ${e.ceiling.p99} | ${Math.round(e.ratio * 100)} % | ` +
        `${e.cpu.service.nodeUs} + ${e.cpu.service.postgresUs} | ${e.cpu.ceiling.clientUs} + ${e.cpu.ceiling.postgresUs} | ${e.cpuRatio} | ${e.eventsPerCommit ?? '—'} |`,
    ),
    '',
    `Batches of 500: ${r.batch.perSecond} events/s (p50 ${r.batch.p50} ms per batch; the same writes set-based through pg: ${r.batch.ceiling.perSecond} events/s). ` +
      `Redemptions at 32 connections: ${r.redemptions.perSecond}/s, p99 ${r.redemptions.p99} ms. ` +
      `With one webhook endpoint on points.earned at 32 connections: ${r.webhooks.service.perSecond} events/s, p99 ${r.webhooks.service.p99} ms. Engine: median ${r.engine.medianUs} µs per event against ${r.engine.rules} rules.`,
    '',
    '| figure | key in latest.json | target | measured | |',
    '|---|---|---|---|---|',
    ...r.targets.map(
      (t) =>
        `| ${t.name} | \`${t.key}\` | ${t.target} | ${t.measured} | ${t.met === null ? '—' : t.met ? 'met' : 'MISSED'} |`,
    ),
  ];
  return lines.join('\n');
}

/** Puts the table between the README's bench markers, so the numbers there are the measured ones. */
export function updateReadme(table: string, path = 'README.md'): boolean {
  const text = readFileSync(path, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) {
    return false;
  }
  writeFileSync(path, `${text.slice(0, i + start.length)}\n${table}\n${text.slice(j)}`);
  return true;
}

/** The retention bench's last figures, if it has been run on this checkout. */
export function retentionFigures(path = 'bench/results/retention-scan.json'): RetentionFigures | null {
  if (!existsSync(path)) {
    return null;
  }
  const r = JSON.parse(readFileSync(path, 'utf8')) as Partial<RetentionFigures>;
  if (typeof r.members !== 'number' || typeof r.seconds !== 'number') {
    return null;
  }
  return {
    members: r.members,
    seconds: r.seconds,
    secondsPer100k: r.secondsPer100k ?? Math.round((r.seconds / r.members) * 100_000 * 100) / 100,
    perMemberGrowth: r.perMemberGrowth ?? null,
    baseline: r.baseline ?? null,
    cpuSeconds: r.cpuSeconds,
    perMemberCpuGrowth: r.perMemberCpuGrowth ?? null,
  };
}
