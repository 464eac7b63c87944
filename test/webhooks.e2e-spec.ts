import { DataSource } from 'typeorm';
import {
  createBrand,
  createEarningBrand,
  createMember,
  createReward,
  event,
  runJob,
  sendEvent,
  setSettings,
  type TestBrand,
} from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { type Receiver, startReceiver } from './support/webhook-receiver.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

interface Delivered {
  type: string;
  timestamp: string;
  data: Record<string, any>;
}

describe('webhooks out (e2e)', () => {
  let t: TestApp;
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await t?.close();
  }, 30_000);

  /** The deliver-webhooks worker, one pass, as if at `now`. */
  const deliver = async (now = new Date()) =>
    (await runJob(t, 'deliver-webhooks', now)).body as { status: string; processed: Record<string, number> };

  async function receiver() {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  }

  async function endpoint(brand: TestBrand, r: Receiver, events: string[] = ['*']) {
    const res = await t.http().post('/v1/webhook-endpoints').set(brand.auth).send({ url: r.url, events }).expect(201);
    r.secrets.push(res.body.secret);
    return res.body as { id: string; secret: string; url: string; events: string[]; status: string };
  }

  async function earningBrand() {
    const brand = await createEarningBrand(t);
    return brand;
  }

  const messagesOf = async (brandId: string) =>
    (await t.app
      .get(DataSource)
      .query(`SELECT type, status, attempts FROM webhook_messages WHERE brand_id = $1 ORDER BY created_at, type`, [
        brandId,
      ])) as Array<{ type: string; status: string; attempts: number }>;

  it('creates an endpoint with its secret shown once, lists and reads it without the secret', async () => {
    const brand = await createBrand(t);
    const r = await receiver();
    const created = await t
      .http()
      .post('/v1/webhook-endpoints')
      .set(brand.auth)
      .send({ url: r.url, events: ['points.earned', 'member.enrolled'], description: 'CRM' })
      .expect(201);
    expect(created.body).toMatchObject({
      url: r.url,
      events: ['points.earned', 'member.enrolled'],
      status: 'enabled',
      description: 'CRM',
      disabledReason: null,
    });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    const got = await t.http().get(`/v1/webhook-endpoints/${created.body.id}`).set(brand.auth).expect(200);
    expect(got.body.secret).toBeUndefined();
    expect(JSON.stringify(got.body)).not.toContain(created.body.secret.slice(6));
    const list = await t.http().get('/v1/webhook-endpoints').set(brand.auth).expect(200);
    expect(list.body).toEqual({ data: [got.body], nextCursor: null });
    const rows: Array<{ secret_sealed: string }> = await t.app
      .get(DataSource)
      .query(`SELECT secret_sealed FROM webhook_endpoints WHERE id = $1`, [created.body.id]);
    expect(rows[0].secret_sealed).not.toContain(String(created.body.secret).slice(6));

    const patched = await t
      .http()
      .patch(`/v1/webhook-endpoints/${created.body.id}`)
      .set(brand.auth)
      .send({ events: ['*'], status: 'disabled', description: null })
      .expect(200);
    expect(patched.body).toMatchObject({ events: ['*'], status: 'disabled', description: null });
    await t.http().delete(`/v1/webhook-endpoints/${created.body.id}`).set(brand.auth).expect(204);
    await t.http().get(`/v1/webhook-endpoints/${created.body.id}`).set(brand.auth).expect(404);
  });

  it('refuses unknown event types and targets the SSRF guard forbids', async () => {
    const brand = await createBrand(t);
    const post = (body: object) => t.http().post('/v1/webhook-endpoints').set(brand.auth).send(body);
    const bad = await post({ url: 'https://hooks.example.com/x', events: ['points.gifted'] }).expect(400);
    expect(bad.body.details[0].path).toMatch(/^events/);
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/',
      'http://[::ffff:169.254.169.254]/',
      'file:///etc/passwd',
      'http://100.64.0.1/',
    ]) {
      const res = await post({ url, events: ['*'] }).expect(400);
      expect(res.body.details).toEqual([{ path: 'url', message: expect.any(String) }]);
    }
    await post({ url: 'http://127.0.0.1:9/x', events: ['token.minted'] }).expect(201);
  });

  it('delivers signed messages of the event path, verified by standardwebhooks', async () => {
    const brand = await earningBrand();
    const r = await receiver();
    await endpoint(brand, r, ['points.earned', 'member.stage_changed', 'member.enrolled']);
    const m = await createMember(t, brand, { email: 'Lea@Example.com' });
    await sendEvent(t, brand, event(m, 'purchase', { amount: '42.50', orderId: 'o-1' }));
    const run = await deliver();
    expect(run.processed).toMatchObject({ attempted: 3, delivered: 3 });
    expect(r.received).toHaveLength(3);
    for (const got of r.received) {
      expect(got.verifiedBy).toHaveLength(1);
    }
    const byType = new Map(r.received.map((g) => [(g.verified as Delivered).type, g.verified as Delivered]));
    expect([...byType.keys()].sort()).toEqual(['member.enrolled', 'member.stage_changed', 'points.earned']);
    const member = { id: m.id, externalId: m.externalId, email: 'lea@example.com' };
    expect(byType.get('points.earned')!.data).toMatchObject({
      member,
      eventType: 'purchase',
      points: 42,
      balance: { available: 42, pending: 0, lifetimeEarned: 42 },
    });
    expect(byType.get('member.stage_changed')!.data).toMatchObject({ member, from: 'awareness', to: 'conversion' });
    expect(byType.get('member.enrolled')!.data).toMatchObject({ member, stage: 'awareness', source: 'api' });
    expect(new Date(byType.get('points.earned')!.timestamp).getTime()).not.toBeNaN();
    // Nothing left to do: a second pass sends nothing.
    expect((await deliver()).processed.attempted).toBe(0);
  });

  it('reports adjustments, redemptions and their cancellation, each in the transaction of the change', async () => {
    const brand = await createBrand(t);
    const r = await receiver();
    await endpoint(brand, r, ['points.earned', 'points.redeemed', 'redemption.created', 'redemption.cancelled']);
    const m = await createMember(t, brand);
    await t
      .http()
      .post(`/v1/members/${m.id}/adjustments`)
      .set(brand.auth)
      .send({ points: 100, reason: 'goodwill' })
      .expect(201);
    const reward = await createReward(t, brand, {
      name: 'Sticker',
      kind: 'perk',
      perkText: 'A sticker',
      costPoints: 30,
    });
    const redeemed = await t
      .http()
      .post(`/v1/members/${m.id}/redemptions`)
      .set(brand.auth)
      .send({ rewardId: reward.body.id, idempotencyKey: 'redeem-1' })
      .expect(201);
    const redemptionId = String(redeemed.body.id);
    await t.http().post(`/v1/redemptions/${redemptionId}/cancel`).set(brand.auth).expect(200);
    await deliver();
    expect(r.received.every((g) => g.verifiedBy.length === 1)).toBe(true);
    const got = r.received.map((g) => g.verified as Delivered);
    const of = (type: string) => got.filter((g) => g.type === type).map((g) => g.data);
    expect(got.map((g) => g.type).sort()).toEqual([
      'points.earned',
      'points.redeemed',
      'redemption.cancelled',
      'redemption.created',
    ]);
    expect(of('points.earned')).toEqual([
      expect.objectContaining({
        source: 'adjustment',
        points: 100,
        balance: { available: 100, pending: 0, lifetimeEarned: 100 },
      }),
    ]);
    expect(of('points.redeemed')).toEqual([
      expect.objectContaining({ points: -30, balance: expect.objectContaining({ available: 70 }) }),
    ]);
    expect(of('redemption.created')).toHaveLength(1);
    expect(of('redemption.created')[0].redemption).toMatchObject({
      id: redemptionId,
      rewardId: reward.body.id,
      costPoints: 30,
    });
    expect(of('redemption.cancelled')).toEqual([
      expect.objectContaining({ pointsReturned: 30, balance: expect.objectContaining({ available: 100 }) }),
    ]);
  });

  it('reports a refund as points.reversed and lapsed points as points.expired', async () => {
    const brand = await earningBrand();
    await setSettings(t, brand, { expiryMonths: 1 });
    const r = await receiver();
    await endpoint(brand, r, ['points.reversed', 'points.expired']);
    const m = await createMember(t, brand);
    await sendEvent(t, brand, event(m, 'purchase', { amount: '100', orderId: 'w-1' }));
    await sendEvent(t, brand, event(m, 'refund', { amount: '40', orderId: 'w-1' }));
    await runJob(t, 'expire-points', new Date(Date.now() + 40 * 86_400_000).toISOString());
    await deliver();
    const got = r.received.map((g) => g.verified as Delivered);
    expect(r.received.every((g) => g.verifiedBy.length === 1)).toBe(true);
    expect(got.map((g) => g.type)).toEqual(['points.reversed', 'points.expired']);
    expect(got[0].data).toMatchObject({ eventType: 'refund', points: -40, balance: { available: 60 } });
    expect(got[1].data).toMatchObject({ points: -60, balance: { available: 0 } });
  });

  it("reports a qualified referral to the referrer's brand, naming referrer and referee", async () => {
    const brand = await createBrand(t);
    await t.http().post('/v1/rules/templates/loyalty-loop').set(brand.auth).expect(201);
    await setSettings(t, brand, {
      referralLandingUrl: 'https://shop.example/welcome',
      referral: { minAmount: '20.00', withinDays: 30 },
    });
    const r = await receiver();
    await endpoint(brand, r, ['referral.qualified']);
    const ann = await createMember(t, brand, { email: 'ann@example.com', stage: 'conversion' });
    const bob = await t
      .http()
      .put('/v1/members/bob')
      .set(brand.auth)
      .send({ email: 'bob@example.com', referralCode: ann.referralCode })
      .expect(201);
    const buy = await sendEvent(t, brand, event({ externalId: 'bob' }, 'purchase', { amount: '30.00' }));
    await deliver();
    expect(r.received.map((g) => g.verifiedBy.length)).toEqual([1]);
    const got = r.received[0].verified as Delivered;
    const referral = await t.http().get(`/v1/referrals/${bob.body.referral.id}`).set(brand.auth).expect(200);
    expect(got).toMatchObject({
      type: 'referral.qualified',
      data: {
        referralId: bob.body.referral.id,
        member: { id: ann.id, externalId: ann.externalId, email: 'ann@example.com' },
        referee: { id: bob.body.id, externalId: 'bob', email: 'bob@example.com' },
        qualifyingEventId: buy.body.eventId,
      },
    });
    expect(referral.body).toMatchObject({ status: 'rewarded', referrerId: ann.id });
    // The referrer's own referral event is stored: the message names it.
    const made: Array<{ id: string }> = await t.app
      .get(DataSource)
      .query(`SELECT id FROM events WHERE brand_id = $1 AND member_id = $2 AND type = 'referral'`, [brand.id, ann.id]);
    expect(made.map((e) => e.id)).toEqual([got.data.referralEventId]);
  });

  it('reports tier moves: an upgrade in an event, a downgrade by recalculate-tiers', async () => {
    const brand = await earningBrand();
    await t
      .http()
      .put('/v1/brand/tiers')
      .set(brand.auth)
      .send({
        windowDays: 365,
        tiers: [
          { key: 'silver', name: 'Silver', threshold: 100, multiplier: 1.5 },
          { key: 'gold', name: 'Gold', threshold: 300, multiplier: 2 },
        ],
      })
      .expect(200);
    const r = await receiver();
    await endpoint(brand, r, ['member.tier_changed']);
    const m = await createMember(t, brand);
    const buy = await sendEvent(t, brand, event(m, 'purchase', { amount: '350' }));
    expect(buy.body.member.tier).toBe('gold');
    const later = new Date(Date.now() + 400 * 86_400_000);
    await runJob(t, 'recalculate-tiers', later.toISOString());
    await deliver(later);
    expect(r.received.every((g) => g.verifiedBy.length === 1)).toBe(true);
    const got = r.received.map((g) => g.verified as Delivered);
    const member = { id: m.id, externalId: m.externalId };
    expect(got).toEqual([
      expect.objectContaining({
        type: 'member.tier_changed',
        data: expect.objectContaining({
          member: expect.objectContaining(member),
          from: null,
          to: 'gold',
          cause: 'upgrade',
          eventId: buy.body.eventId,
          balance: { available: 350, pending: 0, lifetimeEarned: 350 },
        }),
      }),
      expect.objectContaining({
        type: 'member.tier_changed',
        data: expect.objectContaining({
          member: expect.objectContaining(member),
          from: 'gold',
          to: null,
          cause: 'downgrade',
          eventId: null,
        }),
      }),
    ]);
    expect(new Date(got[1].timestamp).getTime()).toBe(later.getTime());
  });

  it('reports a member enrolled by an inbound hook (a Mailchimp sign-up) in the transaction of the enrolment', async () => {
    const brand = await createBrand(t);
    const r = await receiver();
    await endpoint(brand, r, ['member.enrolled']);
    const token = (await t.http().post('/v1/brand/hook-tokens').set(brand.auth).send({}).expect(201)).body.token;
    const joined = await t
      .http()
      .post(`/v1/hooks/${brand.id}/mailchimp?token=${token}`)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('type=subscribe&data[email]=hooked@example.com&data[list_id]=list-1')
      .expect(200);
    expect(joined.body.enrolled).toBe(true);
    expect(await messagesOf(brand.id)).toEqual([{ type: 'member.enrolled', status: 'pending', attempts: 0 }]);
    await deliver();
    const got = r.received.map((g) => g.verified as Delivered);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      type: 'member.enrolled',
      data: { member: { id: joined.body.memberId, email: 'hooked@example.com' }, source: 'mailchimp:list-1' },
    });
  });

  it('writes no outbox row for a brand without endpoints, nor for types nobody subscribed to', async () => {
    const quiet = await earningBrand();
    const m = await createMember(t, quiet);
    await sendEvent(t, quiet, event(m, 'purchase', { amount: '10' }));
    expect(await messagesOf(quiet.id)).toEqual([]);

    const picky = await earningBrand();
    await endpoint(picky, await receiver(), ['redemption.created']);
    const p = await createMember(t, picky);
    await sendEvent(t, picky, event(p, 'purchase', { amount: '10' }));
    expect(await messagesOf(picky.id)).toEqual([]);
  });

  it('retries a failing receiver on the schedule with one webhook-id: fails twice, then 200', async () => {
    const brand = await earningBrand();
    const r = await receiver();
    r.answer = (n) => ({ status: n < 2 ? 500 : 200 });
    const ep = await endpoint(brand, r, ['points.earned']);
    const m = await createMember(t, brand);
    await sendEvent(t, brand, event(m, 'purchase', { amount: '5' }));

    const start = new Date();
    await deliver(start);
    expect(r.received).toHaveLength(1);
    await deliver(new Date(start.getTime() + 4 * SECOND)); // not due yet: the first retry is 5 s later
    expect(r.received).toHaveLength(1);
    await deliver(new Date(start.getTime() + 6 * SECOND));
    expect(r.received).toHaveLength(2);
    await deliver(new Date(start.getTime() + 6 * SECOND + 4 * MINUTE)); // the second retry is 5 min later
    expect(r.received).toHaveLength(2);
    await deliver(new Date(start.getTime() + 6 * SECOND + 5 * MINUTE + SECOND));
    expect(r.received.map((g) => g.answered)).toEqual([500, 500, 200]);
    expect(new Set(r.received.map((g) => g.headers['webhook-id'])).size).toBe(1);
    expect(r.received.every((g) => g.verifiedBy.length === 1)).toBe(true);
    expect(await messagesOf(brand.id)).toEqual([{ type: 'points.earned', status: 'delivered', attempts: 3 }]);

    const log = await t.http().get(`/v1/webhook-endpoints/${ep.id}/deliveries`).set(brand.auth).expect(200);
    expect(log.body.data.map((d: { attempt: number; statusCode: number }) => [d.attempt, d.statusCode])).toEqual([
      [3, 200],
      [2, 500],
      [1, 500],
    ]);
    expect(log.body.data[2]).toMatchObject({
      type: 'points.earned',
      error: 'HTTP 500',
      nextAttemptAt: expect.any(String),
    });
    expect(log.body.data[0]).toMatchObject({ error: null, nextAttemptAt: null });
    const page = await t.http().get(`/v1/webhook-endpoints/${ep.id}/deliveries?limit=2`).set(brand.auth).expect(200);
    expect(page.body.data).toHaveLength(2);
    const rest = await t
      .http()
      .get(`/v1/webhook-endpoints/${ep.id}/deliveries?limit=2&cursor=${page.body.nextCursor}`)
      .set(brand.auth)
      .expect(200);
    expect(rest.body).toMatchObject({ data: [{ attempt: 1 }], nextCursor: null });

    // A redelivery sends the same message again, with the same webhook-id.
    const again = await t
      .http()
      .post(`/v1/webhook-deliveries/${log.body.data[0].id}/redeliver`)
      .set(brand.auth)
      .expect(202);
    expect(again.body).toEqual({
      messageId: r.received[0].headers['webhook-id'],
      endpointId: ep.id,
      status: 'pending',
    });
    await deliver();
    expect(r.received).toHaveLength(4);
    expect(r.received[3].headers['webhook-id']).toBe(r.received[0].headers['webhook-id']);
  });

  it('honours Retry-After on 429', async () => {
    const brand = await earningBrand();
    const r = await receiver();
    r.answer = (n) => (n === 0 ? { status: 429, headers: { 'retry-after': '120' } } : { status: 200 });
    const ep = await endpoint(brand, r, ['points.earned']);
    const m = await createMember(t, brand);
    await sendEvent(t, brand, event(m, 'purchase', { amount: '5' }));
    const start = new Date();
    await deliver(start);
    await deliver(new Date(start.getTime() + 60 * SECOND));
    expect(r.received).toHaveLength(1);
    await deliver(new Date(start.getTime() + 121 * SECOND));
    expect(r.received.map((g) => g.answered)).toEqual([429, 200]);
    const log = await t.http().get(`/v1/webhook-endpoints/${ep.id}/deliveries`).set(brand.auth).expect(200);
    expect(new Date(log.body.data[1].nextAttemptAt).getTime() - new Date(log.body.data[1].attemptedAt).getTime()).toBe(
      120 * SECOND,
    );
  });

  it('disables an endpoint that answers 410', async () => {
    const brand = await earningBrand();
    const r = await receiver();
    r.answer = () => ({ status: 410 });
    const ep = await endpoint(brand, r, ['points.earned']);
    const m = await createMember(t, brand);
    await sendEvent(t, brand, event(m, 'purchase', { amount: '5' }));
    await deliver();
    const got = await t.http().get(`/v1/webhook-endpoints/${ep.id}`).set(brand.auth).expect(200);
    expect(got.body).toMatchObject({ status: 'disabled', disabledReason: 'gone (410)' });
    expect(await messagesOf(brand.id)).toEqual([{ type: 'points.earned', status: 'failed', attempts: 1 }]);
    // A disabled endpoint gets no new messages (the next event writes none).
    await sendEvent(t, brand, event(m, 'purchase', { amount: '5' }));
    expect(await messagesOf(brand.id)).toHaveLength(1);
    await t.http().post(`/v1/webhook-endpoints/${ep.id}/test`).set(brand.auth).expect(409);
  });

  it('disables an endpoint that has failed every attempt for 5 days', async () => {
    const brand = await earningBrand();
    const r = await receiver();
    r.answer = () => ({ status: 503 });
    const ep = await endpoint(brand, r, ['points.earned']);
    const m = await createMember(t, brand);
    await sendEvent(t, brand, event(m, 'purchase', { amount: '5' }));
    const start = new Date();
    await deliver(start);
    let at = start.getTime();
    // Walk the schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h (≈ 3.2 days), then a new message days later.
    for (const ms of [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400].map((s) => s * SECOND + SECOND)) {
      at += ms;
      await deliver(new Date(at));
    }
    expect(r.received).toHaveLength(10);
    expect((await t.http().get(`/v1/webhook-endpoints/${ep.id}`).set(brand.auth).expect(200)).body.status).toBe(
      'enabled',
    );
    await sendEvent(t, brand, event(m, 'purchase', { amount: '5' }));
    await deliver(new Date(start.getTime() + 5 * 86_400_000 + MINUTE));
    const got = await t.http().get(`/v1/webhook-endpoints/${ep.id}`).set(brand.auth).expect(200);
    expect(got.body).toMatchObject({ status: 'disabled', disabledReason: 'every attempt failed for 5 days' });
  });

  it('signs with both secrets for a day after a rotation; each verifies on its own', async () => {
    const brand = await createBrand(t);
    const r = await receiver();
    const ep = await endpoint(brand, r, ['*']);
    const rotated = await t.http().post(`/v1/webhook-endpoints/${ep.id}/rotate-secret`).set(brand.auth).expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(ep.secret);
    expect(new Date(rotated.body.previousSecretExpiresAt).getTime() - Date.now()).toBeGreaterThan(23 * 3600 * SECOND);
    r.secrets.push(rotated.body.secret);
    const test = await t.http().post(`/v1/webhook-endpoints/${ep.id}/test`).set(brand.auth).expect(202);
    await deliver();
    expect(r.received).toHaveLength(1);
    const got = r.received[0];
    expect(got.headers['webhook-id']).toBe(test.body.messageId);
    expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(got.verifiedBy.sort()).toEqual([ep.secret, rotated.body.secret].sort());
    expect(got.verified).toMatchObject({ type: 'webhook.test', data: { endpointId: ep.id } });
  });

  it("answers 404 for another brand's endpoint and delivery", async () => {
    const owner = await earningBrand();
    const other = await createBrand(t);
    const r = await receiver();
    const ep = await endpoint(owner, r, ['points.earned']);
    const m = await createMember(t, owner);
    await sendEvent(t, owner, event(m, 'purchase', { amount: '5' }));
    await deliver();
    const log = await t.http().get(`/v1/webhook-endpoints/${ep.id}/deliveries`).set(owner.auth).expect(200);
    const path = `/v1/webhook-endpoints/${ep.id}`;
    await t.http().get(path).set(other.auth).expect(404);
    await t.http().patch(path).set(other.auth).send({ status: 'disabled' }).expect(404);
    await t.http().delete(path).set(other.auth).expect(404);
    await t.http().post(`${path}/rotate-secret`).set(other.auth).expect(404);
    await t.http().post(`${path}/test`).set(other.auth).expect(404);
    await t.http().get(`${path}/deliveries`).set(other.auth).expect(404);
    await t.http().post(`/v1/webhook-deliveries/${log.body.data[0].id}/redeliver`).set(other.auth).expect(404);
    expect((await t.http().get('/v1/webhook-endpoints').set(other.auth).expect(200)).body.data).toEqual([]);
    expect((await t.http().get(path).set(owner.auth).expect(200)).body.status).toBe('enabled');
  });
});
