import { DataSource } from 'typeorm';
import { createBrand, createMember, createRule, event } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('tiers (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const ladder = {
    windowDays: 365,
    tiers: [
      { key: 'silver', name: 'Silver', threshold: 100, multiplier: 1.5 },
      { key: 'gold', name: 'Gold', threshold: 300, multiplier: 2 },
    ],
  };

  async function tieredBrand(l: object = ladder) {
    const brand = await createBrand(t);
    const set = await t.http().put('/v1/brand/tiers').set(brand.auth).send(l).expect(200);
    expect(set.body.settings.tiers).toEqual(l);
    await createRule(t, brand, {
      name: 'Per euro',
      event: 'purchase',
      reward: { points: { perUnit: { fact: 'event.amount', rate: 1, rounding: 'floor' } } },
    });
    return brand;
  }

  it('upgrades inside the event answer and multiplies rule rewards from then on', async () => {
    const brand = await tieredBrand();
    const m = await createMember(t, brand);
    const first = await t
      .http()
      .post('/v1/events')
      .set(brand.auth)
      .send(event(m, 'purchase', { amount: 120 }))
      .expect(201);
    expect(first.body.effects).toContainEqual({ type: 'tier', from: null, to: 'silver' });
    expect(first.body.member).toMatchObject({ tier: 'silver', balance: { available: 120 } });
    const second = await t
      .http()
      .post('/v1/events')
      .set(brand.auth)
      .send(event(m, 'purchase', { amount: 200 }))
      .expect(201);
    expect(second.body.effects).toContainEqual(expect.objectContaining({ type: 'points', points: 300 })); // 200 × 1.5
    expect(second.body.effects).toContainEqual({ type: 'tier', from: 'silver', to: 'gold' });
    const gold = await t.http().get('/v1/members?tier=gold').set(brand.auth).expect(200);
    expect(gold.body.data.map((x: { id: string }) => x.id)).toEqual([m.id]);
    const history = await t.app
      .get(DataSource)
      .query('SELECT from_tier, to_tier, cause FROM tier_changes WHERE brand_id = $1 AND member_id = $2 ORDER BY id', [
        brand.id,
        m.id,
      ]);
    expect(history).toEqual([
      { from_tier: null, to_tier: 'silver', cause: 'upgrade' },
      { from_tier: 'silver', to_tier: 'gold', cause: 'upgrade' },
    ]);
  });

  it("counts only the window's earnings with a rolling window, everything with a lifetime ladder", async () => {
    const rolling = await tieredBrand();
    const m = await createMember(t, rolling);
    await t
      .http()
      .post(`/v1/members/${m.id}/adjustments`)
      .set(rolling.auth)
      .send({ points: 5, reason: 'x' })
      .expect(201);
    await t
      .http()
      .post('/v1/events')
      .set(rolling.auth)
      .send(event(m, 'purchase', { amount: 90 }))
      .expect(201);
    await t.app
      .get(DataSource)
      .query(
        `UPDATE ledger_entries SET created_at = now() - interval '400 days' WHERE brand_id = $1 AND member_id = $2`,
        [rolling.id, m.id],
      );
    const late = await t
      .http()
      .post('/v1/events')
      .set(rolling.auth)
      .send(event(m, 'purchase', { amount: 20 }))
      .expect(201);
    expect(late.body.member.tier).toBeNull(); // 90 fell out of the window; 20 < 100

    const lifetime = await tieredBrand({ windowDays: null, tiers: ladder.tiers });
    const n = await createMember(t, lifetime);
    await t
      .http()
      .post('/v1/events')
      .set(lifetime.auth)
      .send(event(n, 'purchase', { amount: 90 }))
      .expect(201);
    await t.app
      .get(DataSource)
      .query(
        `UPDATE ledger_entries SET created_at = now() - interval '400 days' WHERE brand_id = $1 AND member_id = $2`,
        [lifetime.id, n.id],
      );
    const up = await t
      .http()
      .post('/v1/events')
      .set(lifetime.auth)
      .send(event(n, 'purchase', { amount: 20 }))
      .expect(201);
    expect(up.body.member.tier).toBe('silver');
  });

  it('the nightly recalculation moves a member down once the window no longer holds the points', async () => {
    const brand = await tieredBrand();
    const m = await createMember(t, brand);
    await t
      .http()
      .post('/v1/events')
      .set(brand.auth)
      .send(event(m, 'purchase', { amount: 350 }))
      .expect(201);
    expect((await t.http().get(`/v1/members/${m.id}`).set(brand.auth)).body.tier).toBe('gold');
    const admin = { Authorization: 'Bearer test-admin-token-0123456789' };
    await t.http().post('/v1/admin/jobs/recalculate-tiers/run').set(admin).send({}).expect(200);
    expect((await t.http().get(`/v1/members/${m.id}`).set(brand.auth)).body.tier).toBe('gold');
    const later = new Date(Date.now() + 400 * 86_400_000).toISOString();
    const run = await t.http().post('/v1/admin/jobs/recalculate-tiers/run').set(admin).send({ now: later }).expect(200);
    expect(run.body.status).toBe('ok');
    expect(run.body.processed.downgraded).toBeGreaterThanOrEqual(1);
    expect((await t.http().get(`/v1/members/${m.id}`).set(brand.auth)).body.tier).toBeNull();
    const again = await t
      .http()
      .post('/v1/admin/jobs/recalculate-tiers/run')
      .set(admin)
      .send({ now: later })
      .expect(200);
    expect(again.body.processed.downgraded).toBe(0);
    const history = await t.app
      .get(DataSource)
      .query('SELECT to_tier, cause FROM tier_changes WHERE brand_id = $1 AND member_id = $2 ORDER BY id', [
        brand.id,
        m.id,
      ]);
    expect(history.at(-1)).toEqual({ to_tier: null, cause: 'downgrade' });
  });

  it.each([
    [
      {
        tiers: [
          { key: 'a', name: 'A', threshold: 10, multiplier: 1 },
          { key: 'a', name: 'B', threshold: 20, multiplier: 1 },
        ],
      },
      'tiers[1].key',
    ],
    [
      {
        tiers: [
          { key: 'a', name: 'A', threshold: 10, multiplier: 1 },
          { key: 'b', name: 'B', threshold: 10, multiplier: 1 },
        ],
      },
      'tiers[1].threshold',
    ],
    [{ tiers: [{ key: 'a', name: 'A', threshold: 10, multiplier: 0.5 }] }, 'tiers[0].multiplier'],
    [{ windowDays: 0, tiers: [] }, 'windowDays'],
    [{ tiers: [[]] }, 'tiers'],
  ])('refuses %j at %s', async (body, path) => {
    const brand = await createBrand(t);
    const res = await t.http().put('/v1/brand/tiers').set(brand.auth).send(body).expect(400);
    expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
  });
});
