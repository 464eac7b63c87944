import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { AnalyticsErrors } from './analytics-errors.js';
import { timeZone } from '../rules/engine/time-zone.js';
import { type Interval, periodsOf, resolveWindow, startDayOf, type Window } from './analytics-window.js';
import { AnalyticsRepository, type FeedbackCell } from './analytics.repository.js';
import { AnalyticsRollupRepository } from './analytics-rollup.repository.js';
import { createdSliceOf, type Slice, sliceOf } from './rollup-slice.js';
import type {
  FunnelView,
  PointsView,
  ReferralsView,
  RetentionQuery,
  RetentionView,
  RulesFiguresView,
  TouchpointsQuery,
  TouchpointsView,
  TouchpointView,
  WindowQuery,
} from './dto/analytics.dto.js';
import { labelOf } from './rating-scale.js';

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);
const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The brand's journey in numbers over a window. Each answer reads one REPEATABLE READ,
 * read-only snapshot: its figures agree with each other, and `asOf` is that snapshot's time.
 */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly db: DataSource,
    private readonly analytics: AnalyticsRepository,
    private readonly rollups: AnalyticsRollupRepository,
  ) {}

  funnel(brand: AuthenticatedBrand, q: WindowQuery): Promise<FunnelView> {
    return this.inSnapshot(brand, q, async (em, _w, s) => {
      const keys = brand.stages.map((s) => s.key);
      const [entries, current, medians] = [
        await this.analytics.stageEntries(em, brand.id, s, keys),
        await this.analytics.membersByStage(em, brand.id),
        await this.analytics.medianDaysInStage(em, brand.id, s),
      ];
      const byStage = new Map(entries.map((e) => [e.stage, e]));
      return {
        stages: brand.stages.map((s) => {
          const e = byStage.get(s.key) ?? { entered: 0, advanced: 0 };
          const median = medians.get(s.key);
          return {
            key: s.key,
            name: s.name,
            entered: e.entered,
            current: current.get(s.key) ?? 0,
            advanced: e.advanced,
            conversionToNext: ratio(e.advanced, e.entered),
            medianDaysInStage: median === undefined ? null : round(median, 2),
          };
        }),
      };
    });
  }

  retention(brand: AuthenticatedBrand, q: RetentionQuery): Promise<RetentionView> {
    const period = q.period ?? 'month';
    return this.inSnapshot(brand, q, async (em, w, s) => {
      const periods = periodsOf(w, period, brand.settings.timezone);
      const days = brand.settings.inactiveDays;
      const figures = retentionFigures(periods, await this.analytics.retentionSpans(em, brand.id, periods, days, s));
      return {
        period,
        inactiveDays: days,
        periods: periods.map((p, i) => {
          const { s, e, n } = figures[i];
          return {
            start: p.from.toISOString(),
            end: p.to.toISOString(),
            S: s,
            E: e,
            N: n,
            rate: s === 0 ? null : round((e - n) / s),
          };
        }),
      };
    });
  }

  referrals(brand: AuthenticatedBrand, q: WindowQuery): Promise<ReferralsView> {
    return this.inSnapshot(brand, q, async (em, _w, s) => {
      const f = await this.analytics.referralFigures(em, brand.id, s);
      return {
        clicks: f.clicks,
        signups: f.signups,
        rejected: f.rejected,
        qualified: f.qualified,
        conversionRate: nullableRound(ratio(f.qualified, f.signups)),
        referredRevenue: f.referredRevenue,
        activeMembers: f.activeMembers,
        kFactor: nullableRound(ratio(f.qualified, f.activeMembers)),
      };
    });
  }

  points(brand: AuthenticatedBrand, q: WindowQuery): Promise<PointsView> {
    return this.inSnapshot(brand, q, async (em, _w, _s, created) => {
      const flows = await this.analytics.ledgerFlows(em, brand.id, created);
      const held = await this.analytics.liability(em, brand.id, brand.settings.pointValue ?? null);
      const issued = flows.get('earn') ?? 0;
      const expired = -(flows.get('expire') ?? 0);
      return {
        issued,
        redeemed: -(flows.get('redeem') ?? 0),
        expired,
        reversed: -(flows.get('reverse') ?? 0),
        adjusted: flows.get('adjust') ?? 0,
        breakage: nullableRound(ratio(expired, issued)),
        liability: { available: held.available, pending: held.pending, total: held.available + held.pending },
        liabilityValue: held.value,
      };
    });
  }

  rules(brand: AuthenticatedBrand, q: WindowQuery): Promise<RulesFiguresView> {
    return this.inSnapshot(brand, q, async (em, _w, _s, created) => {
      const rules = await this.analytics.brandRules(em, brand.id);
      const figures = new Map(
        (await this.analytics.ruleFigures(em, brand.id, created, brand.settings.timezone)).map((f) => [f.ruleId, f]),
      );
      return {
        rules: rules
          // an archived rule shows only when it still fired in the window
          .filter((r) => r.status !== 'archived' || figures.has(r.id))
          .map((r) => {
            const f = figures.get(r.id);
            return {
              ruleId: r.id,
              name: r.name,
              event: r.event,
              status: r.status,
              stages: r.stages,
              fired: f?.fired ?? 0,
              members: f?.members ?? 0,
              points: f?.points ?? 0,
            };
          }),
      };
    });
  }

  touchpoints(brand: AuthenticatedBrand, q: TouchpointsQuery): Promise<TouchpointsView> {
    const interval = q.interval ?? 'week';
    return this.inSnapshot(brand, q, async (em, w, s) => {
      const zone = brand.settings.timezone;
      const cells = await this.analytics.feedback(em, brand.id, s, zone);
      return {
        interval,
        touchpoints: touchpointsOf(
          cells,
          w,
          brand.stages.map((st) => st.key),
          bucketStart(interval, zone),
        ),
      };
    });
  }

  private async inSnapshot<T>(
    brand: AuthenticatedBrand,
    q: WindowQuery,
    work: (em: EntityManager, w: Window, s: Slice, created: Slice) => Promise<T>,
  ): Promise<T & { from: string; to: string; asOf: string }> {
    return this.db.transaction('REPEATABLE READ', async (em) => {
      await em.query('SET TRANSACTION READ ONLY');
      // the funnel's and the rules' sorts and distinct counts stay in memory
      await em.query(`SET LOCAL work_mem = '32MB'`);
      // compiling a plan cost 130-190 ms of a read that takes a few hundred (bench:analytics)
      await em.query(`SET LOCAL jit = off`);
      const asOf = await this.analytics.snapshotTime(em);
      const resolved = resolveWindow(q, brand.settings.timezone, asOf);
      if ('errors' in resolved) {
        throw AnalyticsErrors.invalidWindow(resolved.errors);
      }
      const w = resolved.window;
      // rollups of another zone's days or stage order are not used (the job rebuilds them): all is read live
      const marks = await this.rollups.marks(em, brand.id);
      const stages = brand.stages.map((st) => st.key).join('\n');
      const usable = marks && marks.timezone === brand.settings.timezone && marks.stages.join('\n') === stages;
      const zone = brand.settings.timezone;
      const figures = await work(
        em,
        w,
        sliceOf(w, zone, usable ? marks : null),
        createdSliceOf(w, zone, usable ? marks : null),
      );
      return { from: w.from.toISOString(), to: w.to.toISOString(), asOf: asOf.toISOString(), ...figures };
    });
  }
}

/**
 * Per period: S = customers at its start, E = at its end, N = members whose first purchase falls
 * in it and who are customers at its end, from spans counted against the sorted bounds (see
 * AnalyticsRepository.retentionSpans): a span (sa, sb) holds the bounds numbered sa+1 … sb.
 */
export function retentionFigures(
  periods: Window[],
  spans: Array<{ sa: number; sb: number; nf: number | null; n: number }>,
): Array<{ s: number; e: number; n: number }> {
  const ts = [...new Set(periods.flatMap((p) => [p.from.getTime(), p.to.getTime()]))].sort((a, b) => a - b);
  const index = (at: Date) => ts.indexOf(at.getTime()) + 1;
  const customersAt = (k: number) => spans.reduce((sum, x) => (x.sa < k && k <= x.sb ? sum + x.n : sum), 0);
  return periods.map((p, i) => {
    const end = index(p.to);
    const newcomers = spans.reduce((sum, x) => (x.nf === i + 1 && x.sa < end && end <= x.sb ? sum + x.n : sum), 0);
    return { s: customersAt(index(p.from)), e: customersAt(end), n: newcomers };
  });
}

/** The start (ms) of the local calendar bucket holding a local day. */
function bucketStart(interval: Interval, zoneName: string): (day: number) => number {
  const zone = timeZone(zoneName);
  return (day) => zone.dayStart(startDayOf(day, interval));
}

function nullableRound(x: number | null): number | null {
  return x === null ? null : round(x);
}

/** Feedback cells grouped per (touchpoint, stage): totals, the 6-point distribution and the series. */
function touchpointsOf(
  cells: FeedbackCell[],
  w: Window,
  stageOrder: string[],
  bucketOf: (day: number) => number,
): TouchpointView[] {
  type Acc = {
    touchpoint: string;
    stage: string | null;
    count: number;
    sum: number;
    distribution: Record<'1' | '2' | '3' | '4' | '5' | '6', number>;
    series: Map<number, { count: number; sum: number }>;
  };
  const groups = new Map<string, Acc>();
  for (const c of cells) {
    const key = JSON.stringify([c.touchpoint, c.stage]);
    let g = groups.get(key);
    if (!g) {
      g = {
        touchpoint: c.touchpoint,
        stage: c.stage,
        count: 0,
        sum: 0,
        distribution: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0, '6': 0 },
        series: new Map(),
      };
      groups.set(key, g);
    }
    g.count += c.n;
    g.sum += c.rating * c.n;
    const point = String(c.rating) as keyof Acc['distribution'];
    if (point in g.distribution) {
      g.distribution[point] += c.n;
    }
    const start = Math.max(bucketOf(c.day), w.from.getTime());
    const b = g.series.get(start) ?? { count: 0, sum: 0 };
    b.count += c.n;
    b.sum += c.rating * c.n;
    g.series.set(start, b);
  }
  // brand stage order; stages no longer in the brand's list, then no stage, last
  const rank = (stage: string | null) => (stage === null ? 1e6 : stageOrder.indexOf(stage) + 1 || 1e6 - 1);
  return [...groups.values()]
    .sort((a, b) => rank(a.stage) - rank(b.stage) || a.touchpoint.localeCompare(b.touchpoint))
    .map((g) => {
      const mean = round(g.sum / g.count, 3);
      return {
        touchpoint: g.touchpoint,
        stage: g.stage,
        count: g.count,
        mean,
        ...labelOf(g.sum / g.count),
        distribution: g.distribution,
        series: [...g.series]
          .sort(([a], [b]) => a - b)
          .map(([start, b]) => ({
            start: new Date(start).toISOString(),
            count: b.count,
            mean: round(b.sum / b.count, 3),
          })),
      };
    });
}
