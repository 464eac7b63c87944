import { DataSource } from 'typeorm';
import { DemoHistoryService } from '../src/analytics/demo-history.service.js';
import {
  createBrand,
  createMember,
  createRule,
  event,
  ledgerAudit,
  runJob,
  type TestBrand,
  type TestMember,
} from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const DAY = 86_400_000;

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

/** Rows as objects by the header line; every row as wide as the header. */
function csvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  for (const r of rows) {
    expect(r.length).toBe(header.length);
  }
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

describe('analytics (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await startTestApp({ REFERRAL_CLICKS_PER_MINUTE: '100' });
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const send = (brand: TestBrand, body: Record<string, unknown>, status = 201) =>
    t.http().post('/v1/events').set(brand.auth).send(body).expect(status);
  const at = (m: TestMember, type: string, attributes: Record<string, unknown>, occurredAt: string | Date) => ({
    ...event(m, type, attributes),
    occurredAt: new Date(occurredAt).toISOString(),
  });
  const get = (brand: TestBrand, path: string) => t.http().get(`/v1/analytics/${path}`).set(brand.auth).expect(200);

  /** Another brand whose data must never show: members, purchases, feedback, referrals. */
  async function noise(): Promise<void> {
    const other = await createBrand(t);
    await t.http().post('/v1/rules/templates/loyalty-loop').set(other.auth).expect(201);
    const m = await createMember(t, other);
    await send(other, at(m, 'purchase', { amount: '99.00' }, '2026-03-10T12:00:00Z'));
    await send(other, event(m, 'purchase', { amount: '10.00' }));
    await send(other, event(m, 'feedback', { rating: 1, touchpoint: 'checkout' }));
    await t.http().put('/v1/members/noise-referee').set(other.auth).send({ referralCode: m.referralCode }).expect(201);
  }

  it('funnel: entries, members now, conversion to a later stage and median days in a stage', async () => {
    await noise();
    const brand = await createBrand(t);
    const [a, b, c, d] = [
      await createMember(t, brand),
      await createMember(t, brand),
      await createMember(t, brand),
      await createMember(t, brand),
    ];
    // time is controlled here: the enrolments happened 10, 4 and 40 days ago
    const enrolled = async (m: TestMember, daysAgo: number) =>
      db.query(
        `UPDATE stage_changes SET created_at = now() - make_interval(days => $2) WHERE member_id = $1 AND cause = 'enrollment'`,
        [m.id, daysAgo],
      );
    await enrolled(a, 10);
    await enrolled(b, 4);
    await enrolled(d, 40);
    await send(brand, event(a, 'purchase', { amount: '10.00' })); // awareness → conversion
    await send(brand, event(a, 'purchase', { amount: '10.00' })); // conversion → retention
    await send(brand, event(b, 'purchase', { amount: '10.00' })); // awareness → conversion
    void c; // stays in awareness

    const res = await get(brand, 'funnel');
    expect(res.body).toMatchObject({ from: expect.any(String), to: expect.any(String), asOf: expect.any(String) });
    expect(new Date(res.body.to).getTime() - new Date(res.body.from).getTime()).toBe(30 * DAY);
    const byKey = Object.fromEntries(res.body.stages.map((s: { key: string }) => [s.key, s]));
    expect(res.body.stages.map((s: { key: string }) => s.key)).toEqual([
      'awareness',
      'consideration',
      'conversion',
      'retention',
      'loyalty',
    ]);
    // d enrolled 40 days ago: in awareness now, but no entry in the window
    expect(byKey.awareness).toEqual({
      key: 'awareness',
      name: 'Awareness',
      entered: 3,
      current: 2,
      advanced: 2,
      conversionToNext: 2 / 3,
      medianDaysInStage: 7, // a left after 10 days, b after 4
    });
    expect(byKey.consideration).toMatchObject({
      entered: 0,
      current: 0,
      conversionToNext: null,
      medianDaysInStage: null,
    });
    expect(byKey.conversion).toMatchObject({ entered: 2, current: 1, advanced: 1, conversionToNext: 0.5 });
    expect(byKey.conversion.medianDaysInStage).toBeCloseTo(0, 2);
    expect(byKey.retention).toMatchObject({ entered: 1, current: 1, advanced: 0, conversionToNext: 0 });

    // a window that ends before the purchases: nothing advanced yet
    const early = await get(
      brand,
      `funnel?from=${new Date(Date.now() - 20 * DAY).toISOString()}&to=${new Date(Date.now() - DAY).toISOString()}`,
    );
    const earlyAwareness = early.body.stages.find((s: { key: string }) => s.key === 'awareness');
    expect(earlyAwareness).toMatchObject({ entered: 2, advanced: 0, medianDaysInStage: null });

    const csv = await t
      .http()
      .get('/v1/analytics/funnel')
      .set(brand.auth)
      .set('Accept', 'text/csv')
      .expect(200)
      .expect('Content-Type', /^text\/csv/);
    const records = csvRecords(csv.text);
    expect(records).toHaveLength(5);
    expect(records[0]).toMatchObject({
      key: 'awareness',
      name: 'Awareness',
      entered: '3',
      current: '2',
      advanced: '2',
    });
    expect(new Date(records[0].asOf).getTime()).toBeGreaterThanOrEqual(new Date(res.body.asOf).getTime());
  });

  it('retention: a month worked by hand (inactiveDays 30) gives S = 2, E = 2, N = 1, rate 0.5', async () => {
    await noise();
    const brand = await createBrand(t);
    await t
      .http()
      .patch('/v1/brand')
      .set(brand.auth)
      .send({ settings: { inactiveDays: 30 } })
      .expect(200);
    const [stays, lapses, fresh, old] = [
      await createMember(t, brand),
      await createMember(t, brand),
      await createMember(t, brand),
      await createMember(t, brand),
    ];
    const buy = (m: TestMember, when: string) => send(brand, at(m, 'purchase', { amount: '20.00' }, when));
    await buy(stays, '2026-02-20T10:00:00Z'); // a customer on 1 March…
    await buy(stays, '2026-03-20T10:00:00Z'); // …and on 1 April
    await buy(lapses, '2026-02-15T10:00:00Z'); // a customer on 1 March, lapsed by 1 April
    await buy(fresh, '2026-03-10T10:00:00Z'); // first purchase in March: new
    await buy(old, '2025-11-01T10:00:00Z'); // lapsed long before: in none of S, E, N
    const res = await get(brand, 'retention?period=month&from=2026-03-01&to=2026-03-31');
    expect(res.body).toMatchObject({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
      asOf: expect.any(String),
      period: 'month',
      inactiveDays: 30,
    });
    expect(res.body.periods).toEqual([
      { start: '2026-03-01T00:00:00.000Z', end: '2026-04-01T00:00:00.000Z', S: 2, E: 2, N: 1, rate: 0.5 },
    ]);

    const weeks = await get(brand, 'retention?period=week&from=2026-03-02&to=2026-03-15');
    expect(weeks.body.periods.map((p: { start: string }) => p.start)).toEqual([
      '2026-03-02T00:00:00.000Z',
      '2026-03-09T00:00:00.000Z',
    ]);
    // week of 9 March: the new customer bought on the 10th
    expect(weeks.body.periods[1]).toMatchObject({ S: 2, E: 3, N: 1, rate: 1 });

    const empty = await get(brand, 'retention?period=month&from=2024-01-01&to=2024-01-31');
    expect(empty.body.periods).toEqual([expect.objectContaining({ S: 0, E: 0, N: 0, rate: null })]);

    const csv = await t
      .http()
      .get('/v1/analytics/retention?period=month&from=2026-03-01&to=2026-03-31')
      .set(brand.auth)
      .set('Accept', 'text/csv')
      .expect(200)
      .expect('Content-Type', /^text\/csv/);
    expect(csvRecords(csv.text)).toEqual([
      expect.objectContaining({ period: 'month', S: '2', E: '2', N: '1', rate: '0.5' }),
    ]);
  });

  it('referrals: clicks, sign-ups, rejections, qualified, referred revenue and the K-factor', async () => {
    await noise();
    const brand = await createBrand(t);
    await t.http().post('/v1/rules/templates/loyalty-loop').set(brand.auth).expect(201);
    await t
      .http()
      .patch('/v1/brand')
      .set(brand.auth)
      .send({ settings: { referralLandingUrl: 'https://shop.example/welcome' } })
      .expect(200);
    const ann = await createMember(t, brand, { email: 'ann@example.com' });
    await t.http().get(`/r/${ann.referralCode}`).expect(302);
    await t.http().get(`/r/${ann.referralCode}`).expect(302);
    await t.http().put('/v1/members/bob').set(brand.auth).send({ referralCode: ann.referralCode }).expect(201);
    await t.http().put('/v1/members/cy').set(brand.auth).send({ referralCode: ann.referralCode }).expect(201);
    const stray = await t
      .http()
      .put('/v1/members/stray')
      .set(brand.auth)
      .send({ referralCode: 'NOBODY42' })
      .expect(201);
    expect(stray.body.referral).toMatchObject({ status: 'rejected', reason: 'referrer_not_enrolled' });
    await send(brand, event({ externalId: 'bob' }, 'purchase', { amount: '30.50' })); // qualifies bob's referral
    await send(brand, event({ externalId: 'bob' }, 'purchase', { amount: '12.25' }));
    const dan = await createMember(t, brand);
    await send(brand, event(dan, 'share', { channel: 'email' }));

    const res = await get(brand, 'referrals');
    // active: bob (purchases), ann (the engine's referral event), dan (a share)
    expect(res.body).toEqual({
      from: expect.any(String),
      to: expect.any(String),
      asOf: expect.any(String),
      clicks: 2,
      signups: 2,
      rejected: { referrer_not_enrolled: 1 },
      qualified: 1,
      conversionRate: 0.5,
      referredRevenue: '42.75',
      activeMembers: 3,
      kFactor: 0.3333,
    });

    const csv = await t
      .http()
      .get('/v1/analytics/referrals')
      .set(brand.auth)
      .set('Accept', 'text/csv')
      .expect(200)
      .expect('Content-Type', /^text\/csv/);
    const metrics = Object.fromEntries(csvRecords(csv.text).map((r) => [r.metric, r.value]));
    expect(metrics).toMatchObject({
      clicks: '2',
      'rejected.referrer_not_enrolled': '1',
      kFactor: '0.3333',
      referredRevenue: '42.75',
    });
  });

  it('points: flows over the window, and a liability equal to the sum of every balance', async () => {
    await noise();
    const brand = await createBrand(t);
    await t.http().post('/v1/rules/templates/loyalty-loop').set(brand.auth).expect(201);
    await t
      .http()
      .patch('/v1/brand')
      .set(brand.auth)
      .send({ settings: { pointValue: '0.01' } })
      .expect(200);
    const members = [await createMember(t, brand), await createMember(t, brand), await createMember(t, brand)];
    for (const [i, m] of members.entries()) {
      await send(brand, event(m, 'purchase', { amount: `${20 + i * 10}.00`, orderId: `o-${i}` }));
      await send(brand, event(m, 'share', { channel: 'x' }));
    }
    await send(brand, event(members[0], 'refund', { amount: '10.00', orderId: 'o-0' }));
    await t
      .http()
      .post(`/v1/members/${members[1].id}/adjustments`)
      .set(brand.auth)
      .send({ points: 50, reason: 'goodwill' })
      .expect(201);
    await t
      .http()
      .post(`/v1/members/${members[2].id}/adjustments`)
      .set(brand.auth)
      .send({ points: -20, reason: 'fix' })
      .expect(201);

    const res = await get(brand, 'points');
    const [sums] = await db.query(
      `SELECT sum(points) FILTER (WHERE kind = 'earn')::int AS earned, (-sum(points) FILTER (WHERE kind = 'reverse'))::int AS reversed
         FROM ledger_entries WHERE brand_id = $1`,
      [brand.id],
    );
    const [held] = await db.query(
      `SELECT sum(points_available)::int AS available, sum(points_pending)::int AS pending FROM members WHERE brand_id = $1`,
      [brand.id],
    );
    let balances = 0;
    for (const m of members) {
      const one = await t.http().get(`/v1/members/${m.id}`).set(brand.auth).expect(200);
      balances += one.body.balance.available + one.body.balance.pending;
    }
    expect(sums.earned).toBeGreaterThan(0);
    expect(sums.reversed).toBeGreaterThan(0);
    expect(res.body).toEqual({
      from: expect.any(String),
      to: expect.any(String),
      asOf: expect.any(String),
      issued: sums.earned,
      redeemed: 0,
      expired: 0,
      reversed: sums.reversed,
      adjusted: 30,
      breakage: 0,
      liability: { available: held.available, pending: held.pending, total: balances },
      liabilityValue: (balances / 100).toFixed(2),
    });
    expect(res.body.liability.total).toBe(sums.earned - sums.reversed + 30);

    // a window before anything happened: no flows, the same liability (held at asOf)
    const before = await get(brand, 'points?from=2026-01-01&to=2026-01-31');
    expect(before.body).toMatchObject({ issued: 0, breakage: null, liability: { total: balances } });

    const csv = await t
      .http()
      .get('/v1/analytics/points')
      .set(brand.auth)
      .set('Accept', 'text/csv')
      .expect(200)
      .expect('Content-Type', /^text\/csv/);
    const metrics = Object.fromEntries(csvRecords(csv.text).map((r) => [r.metric, r.value]));
    expect(metrics).toMatchObject({ 'liability.total': String(balances), liabilityValue: (balances / 100).toFixed(2) });
  });

  it('rules: per rule, the events it fired on, its members and its points', async () => {
    await noise();
    const brand = await createBrand(t);
    const share = await createRule(t, brand, {
      name: 'Share, "loudly", points',
      stages: ['awareness', 'consideration'],
      event: 'share',
      reward: { points: { fixed: 10 } },
    });
    const quiet = await createRule(t, brand, {
      name: 'Reviews',
      stages: [],
      event: 'review',
      reward: { points: { fixed: 5 } },
    });
    const [a, b] = [await createMember(t, brand), await createMember(t, brand)];
    await send(brand, event(a, 'share', { channel: 'x' }));
    await send(brand, event(a, 'share', { channel: 'x' }));
    await send(brand, event(b, 'share', { channel: 'email' }));
    const res = await get(brand, 'rules');
    expect(res.body.rules).toEqual([
      {
        ruleId: share.id,
        name: 'Share, "loudly", points',
        event: 'share',
        status: 'active',
        stages: ['awareness', 'consideration'],
        fired: 3,
        members: 2,
        points: 30,
      },
      {
        ruleId: quiet.id,
        name: 'Reviews',
        event: 'review',
        status: 'active',
        stages: [],
        fired: 0,
        members: 0,
        points: 0,
      },
    ]);
    const csv = await t
      .http()
      .get('/v1/analytics/rules')
      .set(brand.auth)
      .set('Accept', 'text/csv')
      .expect(200)
      .expect('Content-Type', /^text\/csv/);
    expect(csvRecords(csv.text)[0]).toMatchObject({
      name: 'Share, "loudly", points',
      stages: 'awareness|consideration',
      fired: '3',
    });
  });

  it('touchpoints: means and labels on the 6-point scale, per touchpoint and the stage at the time', async () => {
    await noise();
    const brand = await createBrand(t);
    const [a, b, c] = [await createMember(t, brand), await createMember(t, brand), await createMember(t, brand)];
    const now = Date.now();
    const daysAgo = (n: number) => new Date(now - n * DAY);
    await send(brand, at(a, 'feedback', { rating: 4, touchpoint: 'checkout' }, daysAgo(10)));
    await send(brand, at(b, 'feedback', { rating: 5, touchpoint: 'checkout' }, daysAgo(3)));
    await send(brand, at(c, 'feedback', { rating: 5, touchpoint: 'checkout' }, daysAgo(3)));
    await send(brand, event(a, 'purchase', { amount: '5.00' })); // a moves to conversion
    await send(brand, at(a, 'feedback', { rating: 2, channel: 'email' }, daysAgo(1)));
    await send(brand, at(c, 'feedback', { rating: 6, touchpoint: 'checkout' }, daysAgo(60))); // outside the window

    const res = await get(brand, 'touchpoints?interval=day');
    expect(res.body).toMatchObject({ interval: 'day', asOf: expect.any(String) });
    expect(res.body.touchpoints).toEqual([
      {
        touchpoint: 'checkout',
        stage: 'awareness',
        count: 3,
        mean: 4.667,
        label: 'goed',
        labelEn: 'good',
        distribution: { '1': 0, '2': 0, '3': 0, '4': 1, '5': 2, '6': 0 },
        series: [
          { start: expect.any(String), count: 1, mean: 4 },
          { start: expect.any(String), count: 2, mean: 5 },
        ],
      },
      {
        touchpoint: 'email',
        stage: 'conversion',
        count: 1,
        mean: 2,
        label: 'matig',
        labelEn: 'poor',
        distribution: { '1': 0, '2': 1, '3': 0, '4': 0, '5': 0, '6': 0 },
        series: [{ start: expect.any(String), count: 1, mean: 2 }],
      },
    ]);
    const day = res.body.touchpoints[0].series[1].start as string;
    expect(day).toBe(new Date(Math.floor((now - 3 * DAY) / DAY) * DAY).toISOString()); // a UTC brand's local day

    const weekly = await get(brand, 'touchpoints');
    expect(weekly.body.interval).toBe('week');

    const csv = await t
      .http()
      .get('/v1/analytics/touchpoints?interval=day')
      .set(brand.auth)
      .set('Accept', 'text/csv')
      .expect(200)
      .expect('Content-Type', /^text\/csv/);
    const rows = csvRecords(csv.text);
    expect(rows.filter((r) => r.row === 'total')).toEqual([
      expect.objectContaining({ touchpoint: 'checkout', stage: 'awareness', count: '3', label: 'goed', r5: '2' }),
      expect.objectContaining({ touchpoint: 'email', stage: 'conversion', mean: '2', labelEn: 'poor' }),
    ]);
    expect(rows.filter((r) => r.row === 'bucket')).toHaveLength(3);
  });

  it("the Demo brand's seeded history is a consistent living loop", async () => {
    const brand = await createBrand(t);
    await t.http().post('/v1/rules/templates/loyalty-loop').set(brand.auth).expect(201);
    await t
      .http()
      .patch('/v1/brand')
      .set(brand.auth)
      .send({ settings: { inactiveDays: 30 } })
      .expect(200);
    const seeded = await t.app.get(DemoHistoryService).seed(brand.id);
    expect(seeded.members).toBe(320);
    expect(seeded.events).toBeGreaterThan(1000);
    expect(seeded.referrals).toBeGreaterThan(10);

    // every balance is its ledger's sum, and the running balances replay
    const members: Array<{ id: string }> = await db.query('SELECT id FROM members WHERE brand_id = $1', [brand.id]);
    for (const m of members.slice(0, 40)) {
      const audit = await ledgerAudit(t, brand.id, m.id);
      expect(audit).toMatchObject({ runningMatches: true, availableSum: audit.available, pendingSum: audit.pending });
    }
    const [lots] = await db.query(
      `SELECT count(*)::int AS off FROM members m WHERE brand_id = $1 AND points_available <>
         (SELECT coalesce(sum(lot_remaining), 0) FROM ledger_entries l WHERE l.brand_id = m.brand_id AND l.member_id = m.id)`,
      [brand.id],
    );
    expect(lots.off).toBe(0);

    const window = `from=${new Date(Date.now() - 90 * DAY).toISOString()}`;
    const funnel = await get(brand, `funnel?${window}`);
    const stages = Object.fromEntries(funnel.body.stages.map((s: { key: string }) => [s.key, s]));
    expect(stages.awareness.entered).toBeGreaterThan(250);
    expect(stages.conversion.entered).toBeGreaterThan(100);
    expect(stages.loyalty.current).toBeGreaterThan(0);
    const total = funnel.body.stages.reduce((a: number, s: { current: number }) => a + s.current, 0);
    expect(total).toBe(320);
    const retention = await get(brand, `retention?period=month&${window}`);
    expect(retention.body.periods.at(-1).S).toBeGreaterThan(0);
    const referrals = await get(brand, `referrals?${window}`);
    expect(referrals.body.qualified).toBeGreaterThan(0);
    expect(referrals.body.clicks).toBeGreaterThan(0);
    const points = await get(brand, `points?${window}`);
    expect(points.body.redeemed).toBeGreaterThan(0);
    const touchpoints = await get(brand, `touchpoints?${window}`);
    expect(new Set(touchpoints.body.touchpoints.map((x: { touchpoint: string }) => x.touchpoint))).toEqual(
      new Set(['website', 'app', 'checkout', 'delivery', 'support']),
    );
    const rules = await get(brand, `rules?${window}`);
    expect(rules.body.rules.find((r: { name: string }) => r.name === 'Referral bonus').fired).toBe(
      referrals.body.qualified,
    );
    // every starter rule an event of the seed meets has fired (Win-back waits for the retention scan)
    const idle = rules.body.rules.filter((r: { fired: number }) => r.fired === 0).map((r: { name: string }) => r.name);
    expect(idle).toEqual(['Win-back']);
  });

  it("buckets by the brand's time zone: local days for the window, the series and the periods", async () => {
    await noise();
    const brand = await createBrand(t);
    await t
      .http()
      .patch('/v1/brand')
      .set(brand.auth)
      .send({ settings: { timezone: 'Europe/Amsterdam' } }) // UTC+1 in January
      .expect(200);
    const m = await createMember(t, brand);
    // both on 14 January in UTC, but on the 14th and the 15th in Amsterdam
    await send(brand, at(m, 'feedback', { rating: 2, touchpoint: 'store' }, '2026-01-14T22:30:00Z'));
    await send(brand, at(m, 'feedback', { rating: 6, touchpoint: 'store' }, '2026-01-14T23:30:00Z'));

    const res = await get(brand, 'touchpoints?interval=day&from=2026-01-12&to=2026-01-18');
    expect(res.body).toMatchObject({ from: '2026-01-11T23:00:00.000Z', to: '2026-01-18T23:00:00.000Z' });
    expect(res.body.touchpoints).toEqual([
      expect.objectContaining({
        touchpoint: 'store',
        count: 2,
        series: [
          { start: '2026-01-13T23:00:00.000Z', count: 1, mean: 2 },
          { start: '2026-01-14T23:00:00.000Z', count: 1, mean: 6 },
        ],
      }),
    ]);
    const weekly = await get(brand, 'touchpoints?interval=week&from=2026-01-12&to=2026-01-18');
    expect(weekly.body.touchpoints[0].series).toEqual([{ start: '2026-01-11T23:00:00.000Z', count: 2, mean: 4 }]);

    const retention = await get(brand, 'retention?period=month&from=2026-01-01&to=2026-02-28');
    expect(retention.body.periods.map((p: { start: string; end: string }) => [p.start, p.end])).toEqual([
      ['2025-12-31T23:00:00.000Z', '2026-01-31T23:00:00.000Z'],
      ['2026-01-31T23:00:00.000Z', '2026-02-28T23:00:00.000Z'],
    ]);
  });

  it('points: breakage is the share of the issued points that expired', async () => {
    await noise();
    const brand = await createBrand(t);
    await createRule(t, brand, { name: 'Shares', stages: [], event: 'share', reward: { points: { fixed: 10 } } });
    const m = await createMember(t, brand);
    await send(brand, event(m, 'share', { channel: 'x' }));
    await send(brand, event(m, 'share', { channel: 'email' }));
    await send(brand, event(m, 'share', { channel: 'copy_link' }));
    await send(brand, event(m, 'share', { channel: 'whatsapp' }));
    // one of the four lots lapses in 10 days; the job runs as if 11 days from now
    await db.query(
      `UPDATE ledger_entries SET expires_at = now() + interval '10 days'
        WHERE id = (SELECT id FROM ledger_entries WHERE brand_id = $1 AND member_id = $2 AND kind = 'earn' ORDER BY id LIMIT 1)`,
      [brand.id, m.id],
    );
    await runJob(t, 'expire-points', new Date(Date.now() + 11 * DAY));
    const window = `from=${new Date(Date.now() - DAY).toISOString()}&to=${new Date(Date.now() + 12 * DAY).toISOString()}`;
    const res = await get(brand, `points?${window}`);
    expect(res.body).toMatchObject({
      issued: 40,
      expired: 10,
      breakage: 0.25,
      liability: { available: 30, pending: 0, total: 30 },
      liabilityValue: null, // no pointValue set
    });
  });

  it('refuses a bad window with the parameter path, and asks for a key', async () => {
    const brand = await createBrand(t);
    const bad = async (query: string, path: string, code: string) => {
      const res = await t.http().get(`/v1/analytics/${query}`).set(brand.auth).expect(400);
      expect(res.body).toMatchObject({ code, details: [expect.objectContaining({ path })] });
    };
    await bad('funnel?from=yesterday', 'from', 'analytics.invalid_window');
    await bad('points?from=2026-03-10&to=2026-03-01', 'from', 'analytics.invalid_window');
    await bad('rules?from=2024-01-01&to=2026-01-01', 'to', 'analytics.invalid_window');
    await bad('referrals?to=2026-02-30', 'to', 'analytics.invalid_window');
    await bad('retention?period=year', 'period', 'validation_failed');
    await bad('touchpoints?interval=hour', 'interval', 'validation_failed');
    await bad('funnel?window=7', 'window', 'validation_failed');
    await t.http().get('/v1/analytics/funnel').expect(401);
  });
});
