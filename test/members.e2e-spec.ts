import { createBrand, createMember, type TestBrand } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('members (e2e)', () => {
  let t: TestApp;
  let brand: TestBrand;
  beforeAll(async () => {
    t = await startTestApp();
    brand = await createBrand(t);
  });
  afterAll(() => t.close());

  it('creates a member at the first stage with a referral code, and answers 200 on a repeat', async () => {
    const created = await t
      .http()
      .put('/v1/members/ann-1')
      .set(brand.auth)
      .send({ email: 'Ann@Example.COM' })
      .expect(201);
    expect(created.body).toMatchObject({
      externalId: 'ann-1',
      email: 'ann@example.com',
      stage: 'awareness',
      tier: null,
      source: 'api',
      balance: { available: 0, pending: 0, lifetimeEarned: 0 },
    });
    expect(created.body.referralCode).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
    const again = await t.http().put('/v1/members/ann-1').set(brand.auth).send({}).expect(200);
    expect(again.body).toEqual(created.body);
  });

  it('enters at a named stage and refuses an unknown one', async () => {
    const res = await t
      .http()
      .put('/v1/members/bob-1')
      .set(brand.auth)
      .send({ stage: 'retention', source: 'app' })
      .expect(201);
    expect(res.body).toMatchObject({ stage: 'retention', source: 'app' });
    const bad = await t.http().put('/v1/members/bob-2').set(brand.auth).send({ stage: 'nirvana' }).expect(400);
    expect(bad.body.details).toEqual([{ path: 'stage', message: expect.any(String) }]);
  });

  it('keeps e-mail unique per brand, case-insensitively', async () => {
    await t.http().put('/v1/members/eve-1').set(brand.auth).send({ email: 'eve@example.com' }).expect(201);
    const clash = await t
      .http()
      .put('/v1/members/eve-2')
      .set(brand.auth)
      .send({ email: 'EVE@example.com' })
      .expect(409);
    expect(clash.body.code).toBe('member.email_taken');
    const other = await createBrand(t);
    await t.http().put('/v1/members/eve-1').set(other.auth).send({ email: 'eve@example.com' }).expect(201);
  });

  it('finds a member by our id and by externalId; another brand gets 404', async () => {
    const m = await createMember(t, brand);
    const byId = await t.http().get(`/v1/members/${m.id}`).set(brand.auth).expect(200);
    const byExternal = await t.http().get(`/v1/members/${m.externalId}`).set(brand.auth).expect(200);
    expect(byId.body).toEqual(byExternal.body);
    const other = await createBrand(t);
    await t.http().get(`/v1/members/${m.id}`).set(other.auth).expect(404);
    await t.http().get(`/v1/members/${m.externalId}`).set(other.auth).expect(404);
  });

  it('lists with stage filter and cursor pagination', async () => {
    const b = await createBrand(t);
    for (let i = 0; i < 5; i++) {
      await createMember(t, b, { stage: i % 2 ? 'retention' : 'awareness' });
    }
    const first = await t.http().get('/v1/members?limit=2').set(b.auth).expect(200);
    expect(first.body.data).toHaveLength(2);
    const second = await t.http().get(`/v1/members?limit=2&cursor=${first.body.nextCursor}`).set(b.auth).expect(200);
    const third = await t.http().get(`/v1/members?limit=2&cursor=${second.body.nextCursor}`).set(b.auth).expect(200);
    expect(third.body.data).toHaveLength(1);
    expect(third.body.nextCursor).toBeNull();
    const ids = [...first.body.data, ...second.body.data, ...third.body.data].map((m: { id: string }) => m.id);
    expect(new Set(ids).size).toBe(5);
    const retention = await t.http().get('/v1/members?stage=retention').set(b.auth).expect(200);
    expect(retention.body.data.map((m: { stage: string }) => m.stage)).toEqual(['retention', 'retention']);
    await t.http().get('/v1/members?limit=0').set(b.auth).expect(400);
  });

  it('issues a member token for /v1/me; keys and tokens are not interchangeable', async () => {
    const m = await createMember(t, brand, { email: 'me@example.com' });
    const issued = await t.http().post(`/v1/members/${m.externalId}/token`).set(brand.auth).expect(201);
    expect(issued.body.token).toMatch(/^mt_/);
    const me = await t.http().get('/v1/me').set('Authorization', `Bearer ${issued.body.token}`).expect(200);
    expect(me.body).toMatchObject({ id: m.id, email: 'me@example.com' });
    await t.http().get('/v1/me/ledger').set('Authorization', `Bearer ${issued.body.token}`).expect(200);
    await t.http().get('/v1/me').set(brand.auth).expect(401);
    await t.http().get('/v1/members').set('Authorization', `Bearer ${issued.body.token}`).expect(401);
    await t.http().get('/v1/me').set('Authorization', 'Bearer mt_unknown').expect(401);
  });

  it('adjusts points with a reason and the key that did it; never below zero', async () => {
    const m = await createMember(t, brand);
    const credit = await t
      .http()
      .post(`/v1/members/${m.id}/adjustments`)
      .set(brand.auth)
      .send({ points: 100, reason: 'goodwill' })
      .expect(201);
    expect(credit.body.entry).toMatchObject({
      kind: 'adjust',
      points: 100,
      balanceAfter: 100,
      reason: 'goodwill',
      actor: expect.stringMatching(/^key:/),
    });
    expect(credit.body.balance).toEqual({ available: 100, pending: 0, lifetimeEarned: 100 });
    const debit = await t
      .http()
      .post(`/v1/members/${m.id}/adjustments`)
      .set(brand.auth)
      .send({ points: -30, reason: 'correction' })
      .expect(201);
    expect(debit.body.balance.available).toBe(70);
    const over = await t
      .http()
      .post(`/v1/members/${m.id}/adjustments`)
      .set(brand.auth)
      .send({ points: -71, reason: 'too much' })
      .expect(409);
    expect(over.body.code).toBe('ledger.insufficient_points');
    const missing = await t
      .http()
      .post(`/v1/members/${m.id}/adjustments`)
      .set(brand.auth)
      .send({ points: 5 })
      .expect(400);
    expect(missing.body.details.map((d: { path: string }) => d.path)).toContain('reason');
    await t.http().post(`/v1/members/${m.id}/adjustments`).set(brand.auth).send({ points: 0, reason: 'x' }).expect(400);
    const ledger = await t.http().get(`/v1/members/${m.id}/ledger`).set(brand.auth).expect(200);
    expect(ledger.body.data.map((e: { points: number }) => e.points)).toEqual([-30, 100]);
    expect(ledger.body.data[0].balanceAfter).toBe(70);
  });
});
