import type {
  FunnelView,
  PointsView,
  ReferralsView,
  RetentionView,
  RulesFiguresView,
  TouchpointsView,
  WindowedView,
} from './dto/analytics.dto.js';

/** A value as one RFC 4180 field: quoted when it holds a comma, a quote or a line break. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  const text = value instanceof Date ? value.toISOString() : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header line and one line per row, CRLF-terminated (RFC 4180). */
export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Whether the client asked for CSV (`Accept: text/csv`). */
export function wantsCsv(accept: string | undefined): boolean {
  return accept !== undefined && /(^|[\s,])text\/csv\b/i.test(accept);
}

const W = ['from', 'to', 'asOf'];
// a bucket row has no label and no distribution
const EMPTY_8 = new Array<null>(8).fill(null);
const w = (v: WindowedView) => [v.from, v.to, v.asOf];

/** One flat CSV per answer: the window columns lead every row (documented in the README). */
export const CSV = {
  funnel: (v: FunnelView) =>
    toCsv(
      [...W, 'key', 'name', 'entered', 'current', 'advanced', 'conversionToNext', 'medianDaysInStage'],
      v.stages.map((s) => [
        ...w(v),
        s.key,
        s.name,
        s.entered,
        s.current,
        s.advanced,
        s.conversionToNext,
        s.medianDaysInStage,
      ]),
    ),
  retention: (v: RetentionView) =>
    toCsv(
      [...W, 'period', 'start', 'end', 'S', 'E', 'N', 'rate'],
      v.periods.map((p) => [...w(v), v.period, p.start, p.end, p.S, p.E, p.N, p.rate]),
    ),
  /** Name/value rows; rejected reasons as `rejected.<reason>`. */
  referrals: (v: ReferralsView) =>
    toCsv(
      [...W, 'metric', 'value'],
      [
        ['clicks', v.clicks],
        ['signups', v.signups],
        ...Object.entries(v.rejected).map(([reason, n]) => [`rejected.${reason}`, n]),
        ['qualified', v.qualified],
        ['conversionRate', v.conversionRate],
        ['referredRevenue', v.referredRevenue],
        ['activeMembers', v.activeMembers],
        ['kFactor', v.kFactor],
      ].map((row) => [...w(v), ...row]),
    ),
  points: (v: PointsView) => {
    const l = v.liability;
    return toCsv(
      [...W, 'metric', 'value'],
      [
        ['issued', v.issued],
        ['redeemed', v.redeemed],
        ['expired', v.expired],
        ['reversed', v.reversed],
        ['adjusted', v.adjusted],
        ['breakage', v.breakage],
        ['liability.available', l.available],
        ['liability.pending', l.pending],
        ['liability.total', l.total],
        ['liabilityValue', v.liabilityValue],
      ].map((row) => [...w(v), ...row]),
    );
  },
  /** Stages joined with `|`. */
  rules: (v: RulesFiguresView) =>
    toCsv(
      [...W, 'ruleId', 'name', 'event', 'status', 'stages', 'fired', 'members', 'points'],
      v.rules.map((r) => [
        ...w(v),
        r.ruleId,
        r.name,
        r.event,
        r.status,
        r.stages.join('|'),
        r.fired,
        r.members,
        r.points,
      ]),
    ),
  /** One `total` row per touchpoint and stage (with its distribution), then one `bucket` row per series point. */
  touchpoints: (v: TouchpointsView) =>
    toCsv(
      [
        ...W,
        'row',
        'touchpoint',
        'stage',
        'start',
        'count',
        'mean',
        'label',
        'labelEn',
        'r1',
        'r2',
        'r3',
        'r4',
        'r5',
        'r6',
      ],
      v.touchpoints.flatMap((t) => [
        [
          ...w(v),
          'total',
          t.touchpoint,
          t.stage,
          null,
          t.count,
          t.mean,
          t.label,
          t.labelEn,
          ...(['1', '2', '3', '4', '5', '6'] as const).map((k) => t.distribution[k]),
        ],
        ...t.series.map((b) => [...w(v), 'bucket', t.touchpoint, t.stage, b.start, b.count, b.mean, ...EMPTY_8]),
      ]),
    ),
};
