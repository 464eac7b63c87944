import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { createBrand, createMember, createRule, ledgerAudit, type TestBrand } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Webhooks in (issue 11 §1–2) against the real app and database: Shopify deliveries built from
 * the committed fixtures (Shopify's documented fields, ids above 2^53) with HMACs computed here,
 * campaign conversions signed with the `standardwebhooks` package, Mailchimp form bodies.
 */
const ORDER = readFileSync(new URL('../examples/shopify/orders-paid.json', import.meta.url));
const REFUND = readFileSync(new URL('../examples/shopify/refunds-create.json', import.meta.url));
const SHOP = 'demo-roastery.myshopify.com';
const CLIENT_SECRET = 'shpss_test_client_secret_0123456789';

describe('webhooks in (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  let seq = 0;
  const next = () => `${Date.now().toString(36)}-${++seq}`;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
  }, 60_000);
  afterAll(() => t?.close(), 30_000);

  const count = async (sql: string, params: unknown[]) => Number((await db.query(sql, params))[0].n);
  const eventsOf = (brand: TestBrand) => count('SELECT count(*) AS n FROM events WHERE brand_id = $1', [brand.id]);
  const membersOf = (brand: TestBrand) => count('SELECT count(*) AS n FROM members WHERE brand_id = $1', [brand.id]);
  const earnsOf = (brand: TestBrand) =>
    count(`SELECT count(*) AS n FROM ledger_entries WHERE brand_id = $1 AND kind = 'earn'`, [brand.id]);

  /** A brand earning 10 points per euro of a purchase. */
  async function shopBrand(): Promise<TestBrand> {
    const brand = await createBrand(t);
    await createRule(t, brand, {
      name: 'Ten per euro',
      event: 'purchase',
      reward: { points: { perUnit: { fact: 'event.amount', rate: 10, rounding: 'floor' } } },
    });
    await t
      .http()
      .put('/v1/brand/integrations/shopify')
      .set(brand.auth)
      .send({ shopDomain: SHOP, clientSecret: CLIENT_SECRET })
      .expect(200);
    return brand;
  }

  function shopify(
    brand: TestBrand,
    topic: string,
    body: Buffer | string,
    opts: { webhookId?: string; secret?: string; hmac?: string; shop?: string } = {},
  ) {
    const raw = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const hmac =
      opts.hmac ??
      createHmac('sha256', opts.secret ?? CLIENT_SECRET)
        .update(raw)
        .digest('base64');
    return t
      .http()
      .post(`/v1/hooks/${brand.id}/shopify`)
      .set('Content-Type', 'application/json')
      .set('X-Shopify-Topic', topic)
      .set('X-Shopify-Hmac-Sha256', hmac)
      .set('X-Shopify-Shop-Domain', opts.shop ?? SHOP)
      .set('X-Shopify-Webhook-Id', opts.webhookId ?? next())
      .send(raw.toString('utf8'));
  }

  describe('Shopify', () => {
    it('shows the integration without its secret', async () => {
      const brand = await shopBrand();
      const res = await t.http().get('/v1/brand/integrations/shopify').set(brand.auth).expect(200);
      expect(res.body).toEqual({ shopDomain: SHOP, amountField: 'subtotal_price', secretSet: true });
      expect(JSON.stringify(res.body)).not.toContain(CLIENT_SECRET);
      const stored = await db.query('SELECT sealed_secret FROM shopify_integrations WHERE brand_id = $1', [brand.id]);
      expect(stored[0].sealed_secret).not.toContain(CLIENT_SECRET);
    });

    it('orders/paid is a purchase of the customer read exactly (ids above 2^53), then a refund takes back its share', async () => {
      const brand = await shopBrand();
      const paid = await shopify(brand, 'orders/paid', ORDER).expect(200);
      expect(paid.body.duplicate).toBe(false);
      // JSON.parse would have made 115310627314723950 of it
      expect(paid.body.member.externalId).toBe('115310627314723954');
      expect(paid.body.member.stage).toBe('conversion');
      expect(paid.body.member.balance.available).toBe(499); // floor(49.90 × 10): the subtotal
      const [ev] = await db.query(`SELECT idempotency_key, attributes FROM events WHERE brand_id = $1`, [brand.id]);
      expect(ev.idempotency_key).toBe('order:820982911946154508');
      expect(ev.attributes).toEqual({
        amount: '49.90',
        currency: 'EUR',
        orderId: '820982911946154508',
        channel: 'shopify',
      });
      const member = (await t.http().get(`/v1/members/${paid.body.member.id}`).set(brand.auth).expect(200)).body;
      expect(member).toMatchObject({ source: 'shopify', email: 'lea.mueller@example.com' });

      // one failed and one successful refund transaction of 24.95: half the order, half the points
      const refund = await shopify(brand, 'refunds/create', REFUND).expect(200);
      expect(refund.body.effects).toEqual([
        expect.objectContaining({ type: 'reversal', points: -249, orderId: '820982911946154508' }),
      ]);
      expect(refund.body.member.balance.available).toBe(250);
      const [r] = await db.query(`SELECT attributes FROM events WHERE brand_id = $1 AND type = 'refund'`, [brand.id]);
      expect(r.attributes).toMatchObject({ amount: '24.95', orderId: '820982911946154508' });
      const audit = await ledgerAudit(t, brand.id, paid.body.member.id);
      expect(audit.available).toBe(audit.availableSum);
      expect(audit.runningMatches).toBe(true);
    });

    it('the same delivery twice answers the first and does nothing again; a new webhook id for the order pays once', async () => {
      const brand = await shopBrand();
      const id = next();
      const first = await shopify(brand, 'orders/paid', ORDER, { webhookId: id }).expect(200);
      const again = await shopify(brand, 'orders/paid', ORDER, { webhookId: id }).expect(200);
      expect(again.body).toEqual(first.body);
      const redelivered = await shopify(brand, 'orders/paid', ORDER, { webhookId: next() }).expect(200);
      expect(redelivered.body.duplicate).toBe(true);
      expect(redelivered.body.eventId).toBe(first.body.eventId);
      expect(await eventsOf(brand)).toBe(1);
      expect(await earnsOf(brand)).toBe(1);
      const refundId = next();
      await shopify(brand, 'refunds/create', REFUND, { webhookId: refundId }).expect(200);
      const refundAgain = await shopify(brand, 'refunds/create', REFUND, { webhookId: next() }).expect(200);
      expect(refundAgain.body.duplicate).toBe(true);
      expect(
        await count(`SELECT count(*) AS n FROM ledger_entries WHERE brand_id = $1 AND kind = 'reverse'`, [brand.id]),
      ).toBe(1);
    });

    it("a referred customer's first order qualifies the referral (the referrer locked in id order, in the hook's transaction)", async () => {
      const brand = await shopBrand();
      await createRule(t, brand, { name: 'Referral bonus', event: 'referral', reward: { points: { fixed: 300 } } });
      // the referrer exists first, so its id sorts before the customer's: the pipeline asks for a relock
      const ann = await createMember(t, brand, { email: `ann-${next()}@example.com` });
      await t
        .http()
        .put(`/v1/members/lea-${next()}`)
        .set(brand.auth)
        .send({ email: 'lea.mueller@example.com', referralCode: ann.referralCode })
        .expect(201);
      const paid = await shopify(brand, 'orders/paid', ORDER).expect(200);
      expect(paid.body.effects).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'referral', referrerId: ann.id, status: 'rewarded' })]),
      );
      const referrer = (await t.http().get(`/v1/members/${ann.id}`).set(brand.auth).expect(200)).body;
      expect(referrer.balance.available).toBe(300);
      expect(await membersOf(brand)).toBe(2);
    });

    it('a bad HMAC, another shop or no integration is a 401 that writes nothing', async () => {
      const brand = await shopBrand();
      const before = await db.query('SELECT count(*) AS n FROM hook_deliveries');
      await shopify(brand, 'orders/paid', ORDER, { secret: 'another-secret-0123456789' }).expect(401);
      await shopify(brand, 'orders/paid', ORDER, { hmac: 'not-base64' }).expect(401);
      // the body changed after signing: the HMAC is over the exact bytes
      const sig = createHmac('sha256', CLIENT_SECRET).update(ORDER).digest('base64');
      await shopify(brand, 'orders/paid', Buffer.concat([ORDER, Buffer.from(' ')]), { hmac: sig }).expect(401);
      await shopify(brand, 'orders/paid', ORDER, { shop: 'other-shop.myshopify.com' }).expect(401);
      const bare = await createBrand(t);
      await shopify(bare, 'orders/paid', ORDER).expect(401);
      expect(await eventsOf(brand)).toBe(0);
      expect(await membersOf(brand)).toBe(0);
      expect(await db.query('SELECT count(*) AS n FROM hook_deliveries')).toEqual(before);
    });

    it('other topics, and orders with neither customer nor e-mail, answer 200 ignored', async () => {
      const brand = await shopBrand();
      const other = await shopify(brand, 'orders/create', ORDER).expect(200);
      expect(other.body).toEqual({ ignored: 'orders/create' });
      const anonymous = JSON.parse(
        ORDER.toString('utf8').replace(/"customer": \{[\s\S]*?\n {2}\},/, '"customer": null,'),
      );
      delete anonymous.email;
      delete anonymous.contact_email;
      const ignored = await shopify(brand, 'orders/paid', JSON.stringify(anonymous)).expect(200);
      expect(ignored.body).toMatchObject({ ignored: 'orders/paid' });
      expect(await eventsOf(brand)).toBe(0);
    });

    it('customer null with an e-mail finds the member by e-mail', async () => {
      const brand = await shopBrand();
      const m = await createMember(t, brand, { email: 'lea.mueller@example.com' });
      const text = ORDER.toString('utf8').replace(/"customer": \{[\s\S]*?\n {2}\},/, '"customer": null,');
      expect(text).toContain('"customer": null');
      const res = await shopify(brand, 'orders/paid', text).expect(200);
      expect(res.body.member.id).toBe(m.id);
      expect(await membersOf(brand)).toBe(1);
    });

    it('a malformed payload with a good HMAC is a 400 with paths, writing nothing', async () => {
      const brand = await shopBrand();
      const res = await shopify(brand, 'orders/paid', JSON.stringify({ id: -1, subtotal_price: 49.9 })).expect(400);
      expect(res.body.details.map((d: { path: string }) => d.path)).toEqual(['id', 'subtotal_price']);
      await shopify(brand, 'orders/paid', '{"id": 1,').expect(400);
      expect(await eventsOf(brand)).toBe(0);
      expect(await count('SELECT count(*) AS n FROM hook_deliveries WHERE brand_id = $1', [brand.id])).toBe(0);
    });

    it('after a rotation the previous secret still verifies (Shopify signs with it for up to an hour)', async () => {
      const brand = await shopBrand();
      const rotated = 'shpss_rotated_client_secret_987654321';
      await t
        .http()
        .put('/v1/brand/integrations/shopify')
        .set(brand.auth)
        .send({ shopDomain: SHOP, clientSecret: rotated, amountField: 'total_price' })
        .expect(200);
      const old = await shopify(brand, 'orders/paid', ORDER).expect(200);
      expect(old.body.member.balance.available).toBe(599); // total_price 59.90 now
      await shopify(brand, 'orders/create', ORDER, { secret: rotated }).expect(200);
      await t
        .http()
        .put('/v1/brand/integrations/shopify')
        .set(brand.auth)
        .send({ shopDomain: SHOP, clientSecret: 'shpss_third_client_secret_000000000' })
        .expect(200);
      // two rotations later the first secret is gone
      await shopify(brand, 'orders/create', ORDER).expect(401);
      await shopify(brand, 'orders/create', ORDER, { secret: rotated }).expect(200);
    });
  });

  describe('campaign conversions', () => {
    async function campaignBrand(settings: Record<string, unknown> = {}) {
      const brand = await createBrand(t);
      await t
        .http()
        .patch('/v1/brand')
        .set(brand.auth)
        .send({ settings: { enrollmentLandingUrl: 'https://shop.example.com/join?src=mail', ...settings } })
        .expect(200);
      const created = await t.http().post('/v1/brand/hook-secrets').set(brand.auth).expect(201);
      return { brand, secret: created.body.secret as string, secretId: created.body.id as string };
    }

    function signed(brand: TestBrand, secret: string, body: unknown, opts: { id?: string; at?: Date } = {}) {
      const text = JSON.stringify(body);
      const id = opts.id ?? `msg_${next()}`;
      const at = opts.at ?? new Date();
      return t
        .http()
        .post(`/v1/hooks/${brand.id}/campaigns`)
        .set('Content-Type', 'application/json')
        .set('webhook-id', id)
        .set('webhook-timestamp', String(Math.floor(at.getTime() / 1000)))
        .set('webhook-signature', new Webhook(secret).sign(id, at, text))
        .send(text);
    }

    const conversion = (extra: Record<string, unknown> = {}) => ({
      type: 'conversion',
      campaignId: 'spring-24',
      segment: 'cart-abandoners',
      email: 'Lea.Mueller@example.com',
      ...extra,
    });

    it('hook secrets: whsec_ shown once, listed without it, two live at most, revocable', async () => {
      const { brand, secret, secretId } = await campaignBrand();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      await t.http().post('/v1/brand/hook-secrets').set(brand.auth).expect(201);
      const third = await t.http().post('/v1/brand/hook-secrets').set(brand.auth).expect(409);
      expect(third.body.code).toBe('hook_secret.limit');
      const list = await t.http().get('/v1/brand/hook-secrets').set(brand.auth).expect(200);
      expect(list.body.data).toHaveLength(2);
      expect(JSON.stringify(list.body)).not.toContain('whsec_');
      await t.http().delete(`/v1/brand/hook-secrets/${secretId}`).set(brand.auth).expect(204);
      await t.http().delete(`/v1/brand/hook-secrets/${secretId}`).set(brand.auth).expect(404);
      await signed(brand, secret, conversion()).expect(401);
      const other = await createBrand(t);
      const foreign = (await t.http().get('/v1/brand/hook-secrets').set(other.auth).expect(200)).body;
      expect(foreign.data).toEqual([]);
    });

    it('a new customer is enrolled at conversion with source campaign:<id>, an enrollment event and a claim link', async () => {
      const { brand, secret } = await campaignBrand();
      await createRule(t, brand, {
        name: 'Campaign welcome',
        event: 'enrollment',
        conditions: { all: [{ fact: 'event.campaignId', op: 'eq', value: 'spring-24' }] },
        reward: { points: { fixed: 50 } },
      });
      const res = await signed(brand, secret, conversion()).expect(200);
      expect(res.body).toMatchObject({ enrolled: true, duplicate: false, stage: 'conversion' });
      expect(res.body.effects).toEqual([expect.objectContaining({ type: 'points', points: 50 })]);
      expect(res.body.claimToken).toMatch(/^cl_/);
      const url = new URL(res.body.enrollmentUrl);
      expect(url.searchParams.get('src')).toBe('mail');
      expect(url.searchParams.get('claim')).toBe(res.body.claimToken);
      const member = (await t.http().get(`/v1/members/${res.body.memberId}`).set(brand.auth).expect(200)).body;
      expect(member).toMatchObject({
        email: 'lea.mueller@example.com',
        stage: 'conversion',
        source: 'campaign:spring-24',
      });
      const [ev] = await db.query(`SELECT idempotency_key, type, attributes FROM events WHERE brand_id = $1`, [
        brand.id,
      ]);
      expect(ev).toEqual({
        idempotency_key: `campaign:spring-24:${res.body.memberId}`,
        type: 'enrollment',
        attributes: { campaignId: 'spring-24', segment: 'cart-abandoners' },
      });
      // the claim token is stored hashed only, and sealed in the stored answer
      const answers = JSON.stringify(
        await db.query('SELECT answer FROM hook_deliveries WHERE brand_id = $1', [brand.id]),
      );
      expect(answers).not.toContain(res.body.claimToken);
      const hashes = JSON.stringify(await db.query('SELECT token_hash FROM claims WHERE brand_id = $1', [brand.id]));
      expect(hashes).not.toContain(res.body.claimToken);
    });

    it('an existing member is found (by externalId, else by e-mail in any case), moved forward, not duplicated', async () => {
      const { brand, secret } = await campaignBrand();
      const byEmail = await createMember(t, brand, { email: 'lea.mueller@example.com' });
      const res = await signed(brand, secret, conversion()).expect(200);
      expect(res.body).toMatchObject({ memberId: byEmail.id, enrolled: false, stage: 'conversion' });
      expect(res.body.effects[0]).toEqual({ type: 'stage', from: 'awareness', to: 'conversion', cause: 'transition' });
      const byExternalId = await createMember(t, brand, {}, `ext-${next()}`);
      const second = await signed(
        brand,
        secret,
        conversion({ externalId: byExternalId.externalId, email: 'someone.else@example.com' }),
      ).expect(200);
      expect(second.body).toMatchObject({ memberId: byExternalId.id, enrolled: false });
      expect(await membersOf(brand)).toBe(2);
      const history = (await t.http().get(`/v1/members/${byEmail.id}/stages`).set(brand.auth).expect(200)).body.data;
      expect(history.map((h: { to: string }) => h.to)).toEqual(['awareness', 'conversion']);
    });

    it('a replayed webhook-id answers the first answer and does nothing twice', async () => {
      const { brand, secret } = await campaignBrand();
      const body = conversion({ order: { id: `o-${next()}`, amount: '59.90', currency: 'EUR' } });
      const first = await signed(brand, secret, body, { id: 'msg_replayed' }).expect(200);
      const replay = await signed(brand, secret, body, { id: 'msg_replayed' }).expect(200);
      expect(replay.body).toEqual(first.body);
      expect(await eventsOf(brand)).toBe(2);
      expect(await count('SELECT count(*) AS n FROM claims WHERE brand_id = $1', [brand.id])).toBe(1);
    });

    it('many concurrent deliveries of one webhook-id: one member, one claim, every answer the first', async () => {
      const { brand, secret } = await campaignBrand();
      const body = conversion({
        email: `rush-${next()}@example.com`,
        order: { id: `o-${next()}`, amount: '10.00', currency: 'EUR' },
      });
      const text = JSON.stringify(body);
      const at = new Date();
      const sig = new Webhook(secret).sign('msg_rush', at, text);
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          t
            .http()
            .post(`/v1/hooks/${brand.id}/campaigns`)
            .set('Content-Type', 'application/json')
            .set('webhook-id', 'msg_rush')
            .set('webhook-timestamp', String(Math.floor(at.getTime() / 1000)))
            .set('webhook-signature', sig)
            .send(text),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      for (const a of answers) {
        expect(a.body).toEqual(answers[0].body);
      }
      expect(await membersOf(brand)).toBe(1);
      expect(await eventsOf(brand)).toBe(2);
      expect(await count('SELECT count(*) AS n FROM claims WHERE brand_id = $1', [brand.id])).toBe(1);
    });

    it('a stale timestamp, a bad or missing signature are 401s that write nothing; the body is judged after', async () => {
      const { brand, secret } = await campaignBrand();
      const stale = await signed(brand, secret, conversion(), { at: new Date(Date.now() - 6 * 60_000) }).expect(401);
      expect(stale.body.code).toBe('hook.bad_signature');
      await signed(brand, secret, conversion(), { at: new Date(Date.now() + 6 * 60_000) }).expect(401);
      await signed(brand, `whsec_${Buffer.alloc(32, 7).toString('base64')}`, conversion()).expect(401);
      await t.http().post(`/v1/hooks/${brand.id}/campaigns`).send(conversion()).expect(401);
      // an invalid body unsigned is a 401, not a 400
      await t.http().post(`/v1/hooks/${brand.id}/campaigns`).send({ type: 'nope' }).expect(401);
      expect(await membersOf(brand)).toBe(0);
      expect(await count('SELECT count(*) AS n FROM hook_deliveries WHERE brand_id = $1', [brand.id])).toBe(0);
      const bad = await signed(brand, secret, { type: 'nope', order: { amount: 5 } }).expect(400);
      expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(
        expect.arrayContaining(['type', 'campaignId', 'order.id', 'order.amount', 'order.currency']),
      );
      await signed(brand, secret, { type: 'conversion', campaignId: 'x' }).expect(400);
      expect(await membersOf(brand)).toBe(0);
      await t.http().post(`/v1/hooks/00000000-0000-0000-0000-000000000000/campaigns`).send(conversion()).expect(404);
    });

    it('a claim token trades once for a member token; the second use is 410', async () => {
      const { brand, secret } = await campaignBrand();
      const res = await signed(brand, secret, conversion()).expect(200);
      const claimed = await t.http().post('/v1/claims').send({ token: res.body.claimToken }).expect(200);
      expect(claimed.body.member).toMatchObject({ id: res.body.memberId, source: 'campaign:spring-24' });
      const me = await t.http().get('/v1/me').set('Authorization', `Bearer ${claimed.body.memberToken}`).expect(200);
      expect(me.body.id).toBe(res.body.memberId);
      const again = await t.http().post('/v1/claims').send({ token: res.body.claimToken }).expect(410);
      expect(again.body.code).toBe('claim.gone');
      await t
        .http()
        .post('/v1/claims')
        .send({ token: `cl_${'A'.repeat(32)}` })
        .expect(404);
      await t.http().post('/v1/claims').send({ token: 'nope' }).expect(400);
    });

    it('a claim token lives 7 days: after that it is 410 and trades nothing', async () => {
      const { brand, secret } = await campaignBrand();
      const res = await signed(brand, secret, conversion()).expect(200);
      const [row] = await db.query(
        `SELECT extract(epoch FROM expires_at - created_at)::int AS ttl FROM claims WHERE brand_id = $1`,
        [brand.id],
      );
      expect(row.ttl).toBe(7 * 86_400);
      // seven days on: the row's expiry is moved into the past rather than the clock forward
      await db.query(`UPDATE claims SET expires_at = now() - interval '1 second' WHERE brand_id = $1`, [brand.id]);
      const late = await t.http().post('/v1/claims').send({ token: res.body.claimToken }).expect(410);
      expect(late.body.code).toBe('claim.gone');
      expect(
        await count(`SELECT count(*) AS n FROM claims WHERE brand_id = $1 AND claimed_at IS NOT NULL`, [brand.id]),
      ).toBe(0);
    });

    it('claims are rate-limited per address (REFERRAL_CLICKS_PER_MINUTE): 429 with Retry-After past it', async () => {
      const limited = await startTestApp({ REFERRAL_CLICKS_PER_MINUTE: '2' });
      try {
        const claim = () =>
          limited
            .http()
            .post('/v1/claims')
            .send({ token: `cl_${'A'.repeat(32)}` });
        await claim().expect(404);
        await claim().expect(404);
        const refused = await claim().expect(429);
        expect(refused.body.code).toBe('rate_limited');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      } finally {
        await limited.close();
      }
    });

    it('the campaign hook and Shopify reporting the same order award it once; the second road is a duplicate', async () => {
      const { brand, secret } = await campaignBrand();
      await createRule(t, brand, {
        name: 'Ten per euro',
        event: 'purchase',
        reward: { points: { perUnit: { fact: 'event.amount', rate: 10, rounding: 'floor' } } },
      });
      await t
        .http()
        .put('/v1/brand/integrations/shopify')
        .set(brand.auth)
        .send({ shopDomain: SHOP, clientSecret: CLIENT_SECRET })
        .expect(200);
      const campaign = await signed(
        brand,
        secret,
        conversion({
          externalId: '115310627314723954',
          order: { id: '820982911946154508', amount: '49.90', currency: 'EUR' },
        }),
      ).expect(200);
      expect(campaign.body).toMatchObject({ enrolled: true, duplicate: false, stage: 'conversion' });
      expect(campaign.body.effects).toEqual([expect.objectContaining({ type: 'points', points: 499 })]);
      const shop = await shopify(brand, 'orders/paid', ORDER).expect(200);
      expect(shop.body.duplicate).toBe(true);
      expect(shop.body.member.id).toBe(campaign.body.memberId);
      expect(await earnsOf(brand)).toBe(1);

      // and the other way round: Shopify first, then the campaign
      const other = await campaignBrand();
      await t
        .http()
        .put('/v1/brand/integrations/shopify')
        .set(other.brand.auth)
        .send({ shopDomain: SHOP, clientSecret: CLIENT_SECRET })
        .expect(200);
      await shopify(other.brand, 'orders/paid', ORDER).expect(200);
      const late = await signed(
        other.brand,
        other.secret,
        conversion({ order: { id: '820982911946154508', amount: '49.90', currency: 'EUR' } }),
      ).expect(200);
      expect(late.body).toMatchObject({ duplicate: true, enrolled: false });
      expect(
        await count(`SELECT count(*) AS n FROM events WHERE brand_id = $1 AND type = 'purchase'`, [other.brand.id]),
      ).toBe(1);
    });

    it('a hook token (Klaviyo cannot sign) works as X-Hook-Token or ?token=, until revoked', async () => {
      const { brand } = await campaignBrand();
      const created = await t
        .http()
        .post('/v1/brand/hook-tokens')
        .set(brand.auth)
        .send({ name: 'klaviyo' })
        .expect(201);
      expect(created.body.token).toMatch(/^ht_/);
      const list = await t.http().get('/v1/brand/hook-tokens').set(brand.auth).expect(200);
      expect(list.body.data).toEqual([expect.objectContaining({ id: created.body.id, name: 'klaviyo' })]);
      expect(JSON.stringify(list.body)).not.toContain(created.body.token);
      const res = await t
        .http()
        .post(`/v1/hooks/${brand.id}/campaigns`)
        .set('X-Hook-Token', created.body.token)
        .send(conversion({ campaignId: 'klaviyo-flow' }))
        .expect(200);
      expect(res.body.enrolled).toBe(true);
      await t
        .http()
        .post(`/v1/hooks/${brand.id}/campaigns?token=${created.body.token}`)
        .send(conversion({ campaignId: 'klaviyo-flow' }))
        .expect(200);
      await t.http().delete(`/v1/brand/hook-tokens/${created.body.id}`).set(brand.auth).expect(204);
      await t
        .http()
        .post(`/v1/hooks/${brand.id}/campaigns`)
        .set('X-Hook-Token', created.body.token)
        .send(conversion())
        .expect(401);
    });
  });

  describe('Mailchimp', () => {
    it('GET checks the URL; a subscribe form enrols with source mailchimp:<list_id>; other types are ignored', async () => {
      const brand = await createBrand(t);
      const token = (await t.http().post('/v1/brand/hook-tokens').set(brand.auth).send({}).expect(201)).body.token;
      const url = `/v1/hooks/${brand.id}/mailchimp?token=${token}`;
      await t.http().get(url).expect(200, { ok: true });
      await t.http().get(`/v1/hooks/${brand.id}/mailchimp`).expect(401);
      const encoded = `type=subscribe&fired_at=2026-11-24+10%3A00%3A00&data%5Bid%5D=8a25ff1d98&data%5Blist_id%5D=a6b5da1054&data%5Bemail%5D=Ann.Subscriber%40example.com&data%5Bmerges%5D%5BFNAME%5D=Ann`;
      const res = await t
        .http()
        .post(url)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(encoded)
        .expect(200);
      expect(res.body).toMatchObject({ enrolled: true, stage: 'awareness' });
      const member = (await t.http().get(`/v1/members/${res.body.memberId}`).set(brand.auth).expect(200)).body;
      expect(member).toMatchObject({ email: 'ann.subscriber@example.com', source: 'mailchimp:a6b5da1054' });
      // raw brackets, the same subscriber again: found, the enrolment event not repeated
      const again = await t
        .http()
        .post(url)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('type=subscribe&data[email]=ann.subscriber@example.com&data[list_id]=a6b5da1054')
        .expect(200);
      expect(again.body).toMatchObject({ memberId: res.body.memberId, enrolled: false, effects: [] });
      expect(await count(`SELECT count(*) AS n FROM events WHERE brand_id = $1`, [brand.id])).toBe(1);
      const ignored = await t
        .http()
        .post(url)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('type=unsubscribe&data[email]=ann.subscriber@example.com&data[list_id]=a6b5da1054')
        .expect(200);
      expect(ignored.body).toEqual({ ignored: 'unsubscribe' });
      const bad = await t
        .http()
        .post(url)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('type=subscribe&data[email]=nope')
        .expect(400);
      expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(['data[email]', 'data[list_id]']);
      await t
        .http()
        .post(`/v1/hooks/${brand.id}/mailchimp?token=ht_wrong`)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('type=subscribe&data[email]=x@example.com&data[list_id]=a6b5da1054')
        .expect(401);
      expect(await membersOf(brand)).toBe(1);
    });
  });
});
