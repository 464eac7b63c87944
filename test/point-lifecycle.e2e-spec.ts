import { DataSource } from 'typeorm';
import {
  createEarningBrand,
  createMember,
  createReward,
  event,
  ledgerAudit,
  runJob,
  sendEvent,
} from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const entryOf = (body: { effects: Array<{ type: string; entryId?: string }> }) =>
  body.effects.find((e) => e.type === 'points')!.entryId;
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('the life of a point (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('earn → pending → matures → redeem', async () => {
    const brand = await createEarningBrand(t, { pendingDays: 2 });
    const reward = await createReward(t, brand, { name: 'Tote', kind: 'perk', perkText: 'A tote bag', costPoints: 80 });
    const m = await createMember(t, brand);
    const buy = await sendEvent(t, brand, event(m, 'purchase', { amount: 100 }));
    expect(buy.body.member.balance).toMatchObject({ available: 0, pending: 100 });
    const early = await t
      .http()
      .post(`/v1/members/${m.id}/redemptions`)
      .set(brand.auth)
      .send({ rewardId: reward.body.id, idempotencyKey: 'r-1' })
      .expect(409);
    expect(early.body.code).toBe('redemption.insufficient_points');

    const run = await runJob(t, 'mature-points', inDays(3));
    expect(run.body.processed.points).toBeGreaterThanOrEqual(100);
    expect((await t.http().get(`/v1/members/${m.id}`).set(brand.auth)).body.balance).toMatchObject({
      available: 100,
      pending: 0,
    });
    await t
      .http()
      .post(`/v1/members/${m.id}/redemptions`)
      .set(brand.auth)
      .send({ rewardId: reward.body.id, idempotencyKey: 'r-2' })
      .expect(201);
    expect(await ledgerAudit(t, brand.id, m.id)).toMatchObject({
      available: 20,
      availableSum: 20,
      pending: 0,
      pendingSum: 0,
      runningMatches: true,
    });
  });

  it('spends the oldest-expiring lots first and expires what is left of a lapsed lot, once', async () => {
    const brand = await createEarningBrand(t, { expiryMonths: 12 });
    const m = await createMember(t, brand);
    const db = t.app.get(DataSource);
    const a = await sendEvent(t, brand, event(m, 'purchase', { amount: 100 }));
    const b = await sendEvent(t, brand, event(m, 'purchase', { amount: 50 }));
    // lot A lapses in 10 days, lot B in 40
    await db.query(
      `UPDATE ledger_entries SET expires_at = now() + interval '10 days' WHERE brand_id = $1 AND id = $2`,
      [brand.id, entryOf(a.body)],
    );
    await db.query(
      `UPDATE ledger_entries SET expires_at = now() + interval '40 days' WHERE brand_id = $1 AND id = $2`,
      [brand.id, entryOf(b.body)],
    );
    await t
      .http()
      .post(`/v1/members/${m.id}/adjustments`)
      .set(brand.auth)
      .send({ points: -120, reason: 'spent' })
      .expect(201);
    const lots = await db.query(
      `SELECT id, lot_remaining FROM ledger_entries WHERE brand_id = $1 AND member_id = $2 AND points > 0 ORDER BY seq`,
      [brand.id, m.id],
    );
    expect(lots.map((l: { lot_remaining: string }) => Number(l.lot_remaining))).toEqual([0, 30]);

    const token = await t.http().post(`/v1/members/${m.id}/token`).set(brand.auth).expect(201);
    const me = await t.http().get('/v1/me').set('Authorization', `Bearer ${token.body.token}`).expect(200);
    expect(me.body.nextExpiry).toEqual({ at: expect.any(String), points: 30 });
    expect(new Date(me.body.nextExpiry.at).getTime()).toBeGreaterThan(Date.now() + 39 * 86_400_000);
    // The brand reads the same, without a member token (the console's member view).
    const balance = await t.http().get(`/v1/members/${m.externalId}/balance`).set(brand.auth).expect(200);
    expect(balance.body).toEqual({ ...me.body.balance, nextExpiry: me.body.nextExpiry });

    const none = await runJob(t, 'expire-points', inDays(20));
    expect((await t.http().get(`/v1/members/${m.id}`).set(brand.auth)).body.balance.available).toBe(30); // A was spent, B not lapsed
    void none;
    const lapsed = await runJob(t, 'expire-points', inDays(41));
    expect(lapsed.body).toMatchObject({ status: 'ok', processed: { lots: 1, points: 30 } });
    await runJob(t, 'expire-points', inDays(42));
    const ledger = await t.http().get(`/v1/members/${m.id}/ledger`).set(brand.auth).expect(200);
    expect(
      ledger.body.data.filter((e: { kind: string }) => e.kind === 'expire').map((e: { points: number }) => e.points),
    ).toEqual([-30]);
    expect(await ledgerAudit(t, brand.id, m.id)).toMatchObject({ available: 0, availableSum: 0, runningMatches: true });
    expect(
      (await t.http().get('/v1/me').set('Authorization', `Bearer ${token.body.token}`)).body.nextExpiry,
    ).toBeNull();
    expect((await t.http().get(`/v1/members/${m.id}/balance`).set(brand.auth).expect(200)).body).toEqual({
      available: 0,
      pending: 0,
      lifetimeEarned: expect.any(Number),
      nextExpiry: null,
    });
  });

  it('a cancelled redemption gives the points back to the lots they came from, expiry and all', async () => {
    const brand = await createEarningBrand(t, { expiryMonths: 12 });
    const reward = await createReward(t, brand, { name: 'Mug', kind: 'perk', perkText: 'A mug', costPoints: 60 });
    const m = await createMember(t, brand);
    const buy = await sendEvent(t, brand, event(m, 'purchase', { amount: 100 }));
    const db = t.app.get(DataSource);
    await db.query(
      `UPDATE ledger_entries SET expires_at = now() + interval '10 days' WHERE brand_id = $1 AND id = $2`,
      [brand.id, entryOf(buy.body)],
    );
    const redeemed = await t
      .http()
      .post(`/v1/members/${m.id}/redemptions`)
      .set(brand.auth)
      .send({ rewardId: reward.body.id, idempotencyKey: 'c-1' })
      .expect(201);
    await t.http().post(`/v1/redemptions/${redeemed.body.id}/cancel`).set(brand.auth).expect(200);
    const lots = await db.query(
      `SELECT points, lot_remaining FROM ledger_entries WHERE brand_id = $1 AND member_id = $2 AND points > 0 ORDER BY seq`,
      [brand.id, m.id],
    );
    expect(
      lots.map((l: { lot_remaining: string | null }) => (l.lot_remaining === null ? null : Number(l.lot_remaining))),
    ).toEqual([100, null]);
    await runJob(t, 'expire-points', inDays(11));
    expect(await ledgerAudit(t, brand.id, m.id)).toMatchObject({ available: 0, availableSum: 0, runningMatches: true });
  });

  it('a debit past the first lots read at once spends the next ones in order, and a cancel gives each back', async () => {
    const brand = await createEarningBrand(t);
    const reward = await createReward(t, brand, {
      name: 'Kettle',
      kind: 'perk',
      perkText: 'A kettle',
      costPoints: 140,
    });
    const m = await createMember(t, brand);
    for (let i = 0; i < 150; i++) {
      await t
        .http()
        .post(`/v1/members/${m.id}/adjustments`)
        .set(brand.auth)
        .send({ points: 1, reason: 'lot' })
        .expect(201);
    }
    const db = t.app.get(DataSource);
    const lots = async () =>
      (
        await db.query(
          `SELECT lot_remaining FROM ledger_entries WHERE brand_id = $1 AND member_id = $2 AND points > 0 ORDER BY seq`,
          [brand.id, m.id],
        )
      ).map((l: { lot_remaining: string | null }) => (l.lot_remaining === null ? null : Number(l.lot_remaining)));
    const redeemed = await t
      .http()
      .post(`/v1/members/${m.id}/redemptions`)
      .set(brand.auth)
      .send({ rewardId: reward.body.id, idempotencyKey: 'many-lots' })
      .expect(201);
    // 140 one-point lots taken over three passes (64, 64, 12), oldest first
    expect(await lots()).toEqual([...Array<number>(140).fill(0), ...Array<number>(10).fill(1)]);
    expect(await ledgerAudit(t, brand.id, m.id)).toMatchObject({
      available: 10,
      availableSum: 10,
      runningMatches: true,
    });
    await t.http().post(`/v1/redemptions/${redeemed.body.id}/cancel`).set(brand.auth).expect(200);
    expect(await lots()).toEqual([...Array<number>(150).fill(1), null]);
  });

  it('never expires more than the balance a reversal left', async () => {
    const brand = await createEarningBrand(t, { expiryMonths: 1 });
    const m = await createMember(t, brand);
    await sendEvent(t, brand, event(m, 'purchase', { amount: 60, orderId: 'x-1' }));
    await sendEvent(t, brand, event(m, 'purchase', { amount: 40, orderId: 'x-2' }));
    await sendEvent(t, brand, event(m, 'refund', { amount: 60, orderId: 'x-1' }));
    await runJob(t, 'expire-points', inDays(70));
    expect(await ledgerAudit(t, brand.id, m.id)).toMatchObject({ available: 0, availableSum: 0, runningMatches: true });
  });
});
