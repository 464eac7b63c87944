import { readFileSync, writeFileSync } from 'node:fs';
import type { LoadResult } from './load.js';
import type { WebhookStep } from './webhooks.js';

export interface BenchReport {
  at: string;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; postgres: string; database: string };
  setup: { members: number; rules: number; seconds: number };
  events: Array<{ concurrency: number; service: LoadResult; ceiling: LoadResult; ratio: number }>;
  halfPeak: LoadResult;
  /** The ceiling's writes at the same fixed rate: how much of the tail is the disk's. */
  ceilingAtHalfPeak: LoadResult;
  batch: LoadResult;
  /** Events at 32 connections with one webhook endpoint subscribed to points.earned (older reports lack it). */
  webhooks?: WebhookStep;
  redemption: LoadResult;
  engine: { medianUs: number; p95Us: number; p99Us: number; rules: number };
  targets: Array<{ name: string; target: string; measured: string; met: boolean }>;
}

export function targetsOf(r: Omit<BenchReport, 'targets'>): BenchReport['targets'] {
  const at32 = r.events.find((e) => e.concurrency === 32);
  return [
    {
      name: 'service / ceiling at 32 connections',
      target: '≥ 50 %',
      measured: at32 ? `${Math.round(at32.ratio * 100)} %` : 'n/a',
      met: !!at32 && at32.ratio >= 0.5,
    },
    {
      name: `p99 at half the peak rate (${r.halfPeak.concurrency}/s)`,
      target: '≤ 50 ms',
      measured: `${r.halfPeak.p99} ms (p50 ${r.halfPeak.p50}; the bare writes at that rate: p99 ${r.ceilingAtHalfPeak.p99} ms)`,
      met: r.halfPeak.p99 <= 50 && r.halfPeak.errors === 0,
    },
    {
      name: 'batch of 500 events',
      target: '≥ 5,000 events/s',
      measured: `${r.batch.perSecond} events/s`,
      met: r.batch.perSecond >= 5000,
    },
    ...(r.webhooks
      ? [
          {
            name: 'events/s at 32 connections with an endpoint on points.earned',
            target: '≥ 90 % of the plain figure',
            measured: `${r.webhooks.service.perSecond}/s = ${Math.round(r.webhooks.ratio * 100)} % of ${r.webhooks.plainPerSecond}/s (${r.webhooks.delivered} delivered)`,
            met: r.webhooks.ratio >= 0.9,
          },
        ]
      : []),
    {
      name: 'engine, 1,000 rules, median',
      target: '≤ 20 µs',
      measured: `${r.engine.medianUs} µs`,
      met: r.engine.medianUs <= 20,
    },
  ];
}

export function markdown(r: BenchReport): string {
  const lines = [
    `Measured ${r.at} on ${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}, PostgreSQL ${r.machine.postgres} (${r.machine.database}); ` +
      `${r.setup.members.toLocaleString('en')} members, ${r.setup.rules} rules, ${r.setup.seconds} s per step.`,
    '',
    '| connections | service events/s | p50 ms | p95 ms | p99 ms | ceiling events/s | ceiling p99 ms | service / ceiling |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.events.map(
      (e) =>
        `| ${e.concurrency} | ${e.service.perSecond} | ${e.service.p50} | ${e.service.p95} | ${e.service.p99} | ${e.ceiling.perSecond} | ${e.ceiling.p99} | ${Math.round(e.ratio * 100)} % |`,
    ),
    '',
    `Batches of 500: ${r.batch.perSecond} events/s (p50 ${r.batch.p50} ms per batch). Redemptions at 32 connections: ${r.redemption.perSecond}/s, p99 ${r.redemption.p99} ms. Engine: median ${r.engine.medianUs} µs per event against ${r.engine.rules} rules.`,
    '',
    '| target | goal | measured | |',
    '|---|---|---|---|',
    ...r.targets.map((t) => `| ${t.name} | ${t.target} | ${t.measured} | ${t.met ? 'met' : 'MISSED'} |`),
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
