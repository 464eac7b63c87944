import { DataSource } from 'typeorm';
import { AnalyticsRollupJob } from '../src/analytics/analytics-rollup.job.js';
import { AnalyticsRollupRepository } from '../src/analytics/analytics-rollup.repository.js';
import { HistorySeedRepository } from '../src/analytics/history-seed.repository.js';
import { createBrand, createMember, event, type TestBrand } from './support/factories.js';
import { ADMIN_TOKEN, startTestApp, type TestApp } from './support/test-app.js';

const DAY = 86_400_000;
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

const ENDPOINTS = [
  'funnel',
  'retention?period=week',
  'retention?period=month',
  'referrals',
  'points',
  'rules',
  'touchpoints?interval=day',
  'touchpoints?interval=week',
  'touchpoints?interval=month',
];

/**
 * The analytics-rollup job changes how fast the answers come, never what they say: over windows
 * that start and end mid-day (in a zone with a DST change inside), on whole local days and
 * within one day, the rolled-up answers equal the live ones, before and after new events above
 * the marks, and after a zone change rebuilds the days.
 */
describe('analytics rollups (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const windows = [
    `from=${iso(now - 30 * DAY - 1)}&to=${iso(now - 1000)}`,
    `from=${iso(now - 100 * DAY - 3_777_000)}&to=${iso(now - 2 * DAY + 5_555_000)}`,
    `from=${iso(now - 40 * DAY).slice(0, 10)}&to=${iso(now - 5 * DAY).slice(0, 10)}`,
    `from=${iso(now - 7 * DAY - 7_200_000)}&to=${iso(now - 7 * DAY + 3_600_000)}`,
    `from=${iso(now - 120 * DAY)}&to=${iso(now + DAY)}`,
  ];

  async function answers(brand: TestBrand): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const w of windows) {
      for (const e of ENDPOINTS) {
        const path = `/v1/analytics/${e}${w ? (e.includes('?') ? '&' : '?') + w : ''}`;
        const res = await t.http().get(path).set(brand.auth).expect(200);
        const { asOf, ...figures } = res.body as Record<string, unknown>;
        expect(typeof asOf).toBe('string');
        out[`${e} ${w}`] = figures;
      }
    }
    return out;
  }

  /** The answers with the rollups set aside: marks of a zone no brand has make the service read everything live. */
  async function liveAnswers(brand: TestBrand): Promise<Record<string, unknown>> {
    const [{ timezone }] = await db.query(`SELECT timezone FROM analytics_marks WHERE brand_id = $1`, [brand.id]);
    await db.query(`UPDATE analytics_marks SET timezone = 'live' WHERE brand_id = $1`, [brand.id]);
    try {
      return await answers(brand);
    } finally {
      await db.query(`UPDATE analytics_marks SET timezone = $2 WHERE brand_id = $1`, [brand.id, timezone]);
    }
  }

  const rollup = async () =>
    (await t.http().post('/v1/admin/jobs/analytics-rollup/run').set(admin).send({}).expect(200)).body;

  /** The rule fires' daily sums as the job keeps them, and as counted again from the fires. */
  async function ruleDays(brandId: string) {
    const kept = await db.query(
      `SELECT rule_id, day, fired::int, points::int, fires::int, starts::int, prev_at::int FROM analytics_rule_days
        WHERE brand_id = $1 AND (fired, points, fires, starts, prev_at) <> (0, 0, 0, 0, 0) ORDER BY 1, 2`,
      [brandId],
    );
    const counted = await db.query(
      `SELECT rule_id, day, sum(fired)::int AS fired, sum(points)::int AS points, sum(fires)::int AS fires,
              sum(starts)::int AS starts, sum(prev_at)::int AS prev_at FROM (
         SELECT rule_id, day, count(*) FILTER (WHERE fire_key <> member_id) AS fired, sum(points) AS points,
                count(*) AS fires, count(*) FILTER (WHERE prev_day IS NULL) AS starts, 0 AS prev_at
           FROM analytics_rule_fires WHERE brand_id = $1 GROUP BY 1, 2
         UNION ALL
         SELECT rule_id, prev_day, 0, 0, 0, 0, count(*) FROM analytics_rule_fires
          WHERE brand_id = $1 AND prev_day IS NOT NULL GROUP BY 1, 2
       ) d GROUP BY 1, 2 ORDER BY 1, 2`,
      [brandId],
    );
    return { kept, counted };
  }

  async function expectRuleDaysKept(brandId: string) {
    const { kept, counted } = await ruleDays(brandId);
    expect(counted.length).toBeGreaterThan(50);
    expect(kept).toEqual(counted);
  }

  /** Rows whose settled columns differ from the same recomputed over the brand's whole history. */
  async function unsettled(brandId: string) {
    const u = await t.app.get(AnalyticsRollupRepository).unsettled(db.manager, brandId);
    return { purchases: u.purchases, moves: u.moves, ruleFires: u.ruleFiresPrevDay };
  }

  it('settles what a later pass adds as a rebuild would: backdated purchases, repeat fires, new moves', async () => {
    const brand = await createBrand(t);
    await t.http().post('/v1/rules/templates/loyalty-loop').set(brand.auth).expect(201);
    await db.transaction((em) =>
      t.app.get(HistorySeedRepository).seed(em, brand.id, {
        members: 120,
        days: 90,
        activity: 1.5,
        externalIdPrefix: 'settle-',
        now: new Date(now - 60_000),
      }),
    );
    await rollup();
    const send = (body: Record<string, unknown>) => t.http().post('/v1/events').set(brand.auth).send(body).expect(201);
    for (let i = 1; i <= 40; i++) {
      const m = { externalId: `settle-${i}` };
      // latest, before every purchase of the member's, between two of them, twice on one day
      await send(event(m, 'purchase', { amount: '30.00' }));
      await send({ ...event(m, 'purchase', { amount: '12.00' }), occurredAt: iso(now - 200 * DAY) });
      await send({ ...event(m, 'purchase', { amount: '18.00' }), occurredAt: iso(now - (i % 60) * DAY) });
      await send(event(m, 'purchase', { amount: '22.00' }));
      await send(event(m, i % 2 ? 'share' : 'feedback', { rating: 4, touchpoint: 'app', channel: 'x' }));
    }
    // a pass over what was just written (the job's own pass stays 70 s behind now)
    const shape = await t.app.get(AnalyticsRollupRepository).brandShape(db.manager, brand.id);
    await t.app.get(AnalyticsRollupJob).rollBrand(brand.id, shape, new Date(Date.now() + 1000));
    const [marks] = await db.query(`SELECT * FROM analytics_marks WHERE brand_id = $1`, [brand.id]);
    const [above] = await db.query(`SELECT count(*)::int AS n FROM events WHERE brand_id = $1 AND id > $2`, [
      brand.id,
      marks.events_mark,
    ]);
    expect(above.n).toBe(0);
    expect(await unsettled(brand.id)).toEqual({ purchases: 0, moves: 0, ruleFires: 0 });
    await expectRuleDaysKept(brand.id);
    expect(await answers(brand)).toEqual(await liveAnswers(brand));
  });

  it('answers the same rolled up as live, with new events above the marks, and after a zone change', async () => {
    const brand = await createBrand(t);
    await t.http().post('/v1/rules/templates/loyalty-loop').set(brand.auth).expect(201);
    await t
      .http()
      .patch('/v1/brand')
      .set(brand.auth)
      .send({ settings: { inactiveDays: 30, pointValue: '0.01', timezone: 'Europe/Amsterdam' } })
      .expect(200);
    await db.transaction((em) =>
      t.app.get(HistorySeedRepository).seed(em, brand.id, {
        members: 250,
        days: 130,
        activity: 1.3,
        externalIdPrefix: 'rollup-',
        now: new Date(now - 60_000),
      }),
    );
    const before = await answers(brand); // no marks yet: all live

    const run = await rollup();
    expect(run).toMatchObject({ status: 'ok', error: null });
    expect(run.processed.events).toBeGreaterThan(500);
    expect(run.processed.changes).toBeGreaterThan(250);
    expect(run.processed.ledger).toBeGreaterThan(500);
    const [marks] = await db.query(`SELECT * FROM analytics_marks WHERE brand_id = $1`, [brand.id]);
    expect(marks.timezone).toBe('Europe/Amsterdam');
    const [days] = await db.query(`SELECT count(*)::int AS n FROM analytics_ledger_days WHERE brand_id = $1`, [
      brand.id,
    ]);
    expect(days.n).toBeGreaterThan(50);
    await expectRuleDaysKept(brand.id);
    expect(await answers(brand)).toEqual(before);

    // new events (some backdated into rolled-up days) are above the marks: read live beside the rollups
    const m = await createMember(t, brand);
    const send = (body: Record<string, unknown>) => t.http().post('/v1/events').set(brand.auth).send(body).expect(201);
    await send(event(m, 'purchase', { amount: '42.50' }));
    await send({ ...event(m, 'purchase', { amount: '7.25' }), occurredAt: iso(now - 20 * DAY) });
    await send({ ...event(m, 'feedback', { rating: 2, touchpoint: 'delivery' }), occurredAt: iso(now - 7 * DAY) });
    await send(event(m, 'feedback', { rating: 6, touchpoint: 'app' }));
    const mixed = await answers(brand);
    expect(mixed).not.toEqual(before);
    expect(mixed).toEqual(await liveAnswers(brand));

    // a zone change makes the days another zone's: set aside until the job rebuilds them
    await t
      .http()
      .patch('/v1/brand')
      .set(brand.auth)
      .send({ settings: { timezone: 'America/New_York' } })
      .expect(200);
    const unrolled = await answers(brand);
    const rebuilt = await rollup();
    expect(rebuilt.processed.rebuilt).toBe(1);
    await expectRuleDaysKept(brand.id);
    expect(await answers(brand)).toEqual(unrolled);
  });
});
