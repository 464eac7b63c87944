import {
  createEarningBrand,
  createMember,
  createRule,
  event,
  ledgerAudit,
  runJob,
  sendEvent,
  type TestBrand,
} from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('refunds (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function euroBrand(settings: Record<string, unknown> = {}): Promise<TestBrand> {
    const brand = await createEarningBrand(t, settings);
    await createRule(t, brand, { name: 'Bonus', event: 'purchase', reward: { points: { fixed: 20 } } });
    return brand;
  }
  const reversed = (body: { effects: Array<{ type: string; points?: number }> }) =>
    body.effects.filter((e) => e.type === 'reversal').reduce((a, e) => a + (e.points ?? 0), 0);

  it('claws back in proportion over partial refunds, never more than was earned', async () => {
    const brand = await euroBrand();
    const m = await createMember(t, brand);
    const buy = await sendEvent(t, brand, event(m, 'purchase', { amount: '100.00', orderId: 'o-1' }));
    expect(buy.body.member.balance.available).toBe(120);
    const first = await sendEvent(t, brand, event(m, 'refund', { amount: '25.00', orderId: 'o-1' }));
    expect(reversed(first.body)).toBe(-30); // a quarter of 120
    const second = await sendEvent(t, brand, event(m, 'refund', { amount: '75.00', orderId: 'o-1' }));
    expect(reversed(second.body)).toBe(-90);
    const third = await sendEvent(t, brand, event(m, 'refund', { amount: '10.00', orderId: 'o-1' }));
    expect(reversed(third.body)).toBe(0);
    expect(await ledgerAudit(t, brand.id, m.id)).toMatchObject({ available: 0, availableSum: 0, runningMatches: true });
  });

  it('takes pending points first', async () => {
    const brand = await euroBrand({ pendingDays: 14 });
    const m = await createMember(t, brand);
    await t
      .http()
      .post(`/v1/members/${m.id}/adjustments`)
      .set(brand.auth)
      .send({ points: 50, reason: 'welcome' })
      .expect(201);
    await sendEvent(t, brand, event(m, 'purchase', { amount: 80, orderId: 'o-2' }));
    const refund = await sendEvent(t, brand, event(m, 'refund', { amount: 40, orderId: 'o-2' }));
    expect(refund.body.effects.filter((e: { type: string }) => e.type === 'reversal')).toEqual([
      expect.objectContaining({ points: -50, status: 'pending' }),
    ]);
    expect(refund.body.member.balance).toMatchObject({ available: 50, pending: 50 });
    expect(await ledgerAudit(t, brand.id, m.id)).toMatchObject({
      available: 50,
      availableSum: 50,
      pending: 50,
      pendingSum: 50,
    });
    // the pending reversal matures with the points it reversed, not before
    const soon = new Date(Date.now() + 86_400_000).toISOString();
    await runJob(t, 'mature-points', soon);
    expect((await t.http().get(`/v1/members/${m.id}`).set(brand.auth)).body.balance).toMatchObject({
      available: 50,
      pending: 50,
    });
    const later = new Date(Date.now() + 15 * 86_400_000).toISOString();
    await runJob(t, 'mature-points', later);
    expect((await t.http().get(`/v1/members/${m.id}`).set(brand.auth)).body.balance).toMatchObject({
      available: 100,
      pending: 0,
    });
    expect(await ledgerAudit(t, brand.id, m.id)).toMatchObject({
      available: 100,
      availableSum: 100,
      pending: 0,
      pendingSum: 0,
    });
  });

  it('a purchase and its refund in one transaction net to nothing', async () => {
    const brand = await euroBrand();
    const m = await createMember(t, brand);
    const res = await t
      .http()
      .post('/v1/events/batch')
      .set(brand.auth)
      .send({
        events: [
          event(m, 'purchase', { amount: '100', orderId: 'o-9' }),
          event(m, 'refund', { amount: '100', orderId: 'o-9' }),
        ],
      })
      .expect(200);
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([201, 201]);
    expect(reversed(res.body.results[1].result)).toBe(-120);
    expect(await ledgerAudit(t, brand.id, m.id)).toMatchObject({ available: 0, availableSum: 0, runningMatches: true });
  });

  it('may take the balance below zero, and only a reversal does so, visibly', async () => {
    const brand = await euroBrand();
    const m = await createMember(t, brand);
    await sendEvent(t, brand, event(m, 'purchase', { amount: '30', orderId: 'o-3' }));
    await t
      .http()
      .post(`/v1/members/${m.id}/adjustments`)
      .set(brand.auth)
      .send({ points: -45, reason: 'spent elsewhere' })
      .expect(201);
    const refund = await sendEvent(t, brand, event(m, 'refund', { amount: '30', orderId: 'o-3' }));
    expect(refund.body.member.balance.available).toBe(5 - 50);
    const ledger = await t.http().get(`/v1/members/${m.id}/ledger`).set(brand.auth).expect(200);
    expect(ledger.body.data[0]).toMatchObject({
      kind: 'reverse',
      points: -50,
      balanceAfter: -45,
      reason: 'refund of order o-3',
    });
    await t
      .http()
      .post(`/v1/members/${m.id}/adjustments`)
      .set(brand.auth)
      .send({ points: -1, reason: 'no' })
      .expect(409);
  });

  it('a refund of an unknown order takes nothing; concurrent refunds take at most everything', async () => {
    const brand = await euroBrand();
    const m = await createMember(t, brand);
    const none = await sendEvent(t, brand, event(m, 'refund', { amount: '10', orderId: 'nope' }));
    expect(reversed(none.body)).toBe(0);
    await sendEvent(t, brand, event(m, 'purchase', { amount: '50', orderId: 'o-4' }));
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        t
          .http()
          .post('/v1/events')
          .set(brand.auth)
          .send(event(m, 'refund', { amount: '20', orderId: 'o-4' })),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    expect(answers.reduce((a, r) => a + reversed(r.body), 0)).toBe(-70);
    expect(await ledgerAudit(t, brand.id, m.id)).toMatchObject({ available: 0, availableSum: 0, runningMatches: true });
  });
});
