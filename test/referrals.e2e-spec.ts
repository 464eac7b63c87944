import { DataSource } from 'typeorm';
import { createBrand, createMember, event, ledgerAudit, type TestBrand } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const LANDING = 'https://shop.example/welcome';

describe('referrals and shares (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ REFERRAL_CLICKS_PER_MINUTE: '5' });
  });
  afterAll(() => t.close());

  async function referralBrand(settings: Record<string, unknown> = {}): Promise<TestBrand> {
    const brand = await createBrand(t);
    await t.http().post('/v1/rules/templates/loyalty-loop').set(brand.auth).expect(201);
    await t
      .http()
      .patch('/v1/brand')
      .set(brand.auth)
      .send({
        settings: { referralLandingUrl: LANDING, referral: { minAmount: '20.00', withinDays: 30 }, ...settings },
      })
      .expect(200);
    return brand;
  }
  const points = (body: { effects: Array<{ type: string; points?: number }> }) =>
    body.effects.filter((e) => e.type === 'points').reduce((a, e) => a + (e.points ?? 0), 0);

  it('click → sign-up with code → first purchase: both rewarded, referrer advanced to loyalty', async () => {
    const brand = await referralBrand();
    const ann = await createMember(t, brand, { email: 'ann@example.com', stage: 'conversion' });

    const click = await t.http().get(`/r/${ann.referralCode}`).expect(302);
    expect(click.headers.location).toBe(`${LANDING}?ref=${ann.referralCode}`);

    const bob = await t
      .http()
      .put('/v1/members/bob')
      .set(brand.auth)
      .send({ email: 'bob@example.com', referralCode: ann.referralCode })
      .expect(201);
    expect(bob.body.referral).toMatchObject({ status: 'pending', reason: null });

    const buy = await t
      .http()
      .post('/v1/events')
      .set(brand.auth)
      .send(event({ externalId: 'bob' }, 'purchase', { amount: '30.00' }))
      .expect(201);
    // referee: first-purchase bonus 100 + 30 per euro + welcome gift for referred friends 250
    expect(points(buy.body)).toBe(100 + 30 + 250);
    expect(buy.body.effects).toContainEqual({
      type: 'referral',
      referralId: bob.body.referral.id,
      referrerId: ann.id,
      status: 'rewarded',
    });

    const annNow = await t.http().get(`/v1/members/${ann.id}`).set(brand.auth).expect(200);
    expect(annNow.body).toMatchObject({ stage: 'loyalty', balance: { available: 500 } });
    const referral = await t.http().get(`/v1/referrals/${bob.body.referral.id}`).set(brand.auth).expect(200);
    expect(referral.body).toMatchObject({
      referrerId: ann.id,
      refereeId: bob.body.id,
      status: 'rewarded',
      qualifiedAt: expect.any(String),
    });

    const token = await t.http().post(`/v1/members/${ann.id}/token`).set(brand.auth).expect(201);
    const mine = await t.http().get('/v1/me/referral').set('Authorization', `Bearer ${token.body.token}`).expect(200);
    expect(mine.body).toEqual({
      code: ann.referralCode,
      link: `${LANDING}?ref=${ann.referralCode}`,
      clicks: 1,
      pending: 0,
      qualified: 1,
      rejected: 0,
      pointsEarned: 500,
    });
    expect(await ledgerAudit(t, brand.id, ann.id)).toMatchObject({
      available: 500,
      availableSum: 500,
      runningMatches: true,
    });

    const listed = await t.http().get(`/v1/referrals?status=rewarded&referrerId=${ann.id}`).set(brand.auth).expect(200);
    expect(listed.body.data.map((r: { id: string }) => r.id)).toEqual([bob.body.referral.id]);
  });

  describe('rejections (the referee is enrolled either way)', () => {
    it('self-referral by the same e-mail', async () => {
      const brand = await referralBrand();
      const ann = await createMember(t, brand, { email: 'same@example.com' });
      await t.http().put('/v1/members/ann-other').set(brand.auth).send({ email: 'other@example.com' }).expect(201);
      const res = await t
        .http()
        .put('/v1/members/ann-2')
        .set(brand.auth)
        .send({ email: 'SAME@example.com', referralCode: ann.referralCode })
        .expect(409);
      expect(res.body.code).toBe('member.email_taken'); // one email per brand: the same person cannot enrol twice
      const wallet = '0x52908400098527886E0F7030069857D2E4169EE7';
      const w1 = await createMember(t, brand, { walletAddress: wallet });
      // one member per wallet within a brand (issue 12): the same wallet cannot enrol twice either
      const w2 = await t
        .http()
        .put('/v1/members/w2')
        .set(brand.auth)
        .send({ walletAddress: wallet.toLowerCase(), referralCode: w1.referralCode })
        .expect(409);
      expect(w2.body.code).toBe('member.wallet_taken');
    });

    it('a referee who was already a member', async () => {
      const brand = await referralBrand();
      const ann = await createMember(t, brand);
      await createMember(t, brand, {}, 'already');
      const res = await t
        .http()
        .put('/v1/members/already')
        .set(brand.auth)
        .send({ referralCode: ann.referralCode })
        .expect(200);
      expect(res.body.referral).toMatchObject({ status: 'rejected', reason: 'already_member' });
    });

    it('a referrer over the monthly limit', async () => {
      const brand = await referralBrand({ referral: { maxReferralsPerMonth: 1 } });
      const ann = await createMember(t, brand);
      const first = await t
        .http()
        .put('/v1/members/f1')
        .set(brand.auth)
        .send({ referralCode: ann.referralCode })
        .expect(201);
      expect(first.body.referral.status).toBe('pending');
      const second = await t
        .http()
        .put('/v1/members/f2')
        .set(brand.auth)
        .send({ referralCode: ann.referralCode })
        .expect(201);
      expect(second.body.referral).toMatchObject({ status: 'rejected', reason: 'referrer_limit' });
    });

    it('holds the monthly limit when sign-ups with one code arrive at once', async () => {
      const brand = await referralBrand({ referral: { maxReferralsPerMonth: 2 } });
      const ann = await createMember(t, brand);
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          t.http().put(`/v1/members/burst-${i}`).set(brand.auth).send({ referralCode: ann.referralCode }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
      expect(answers.filter((a) => a.body.referral.status === 'pending')).toHaveLength(2);
      expect(answers.filter((a) => a.body.referral.reason === 'referrer_limit')).toHaveLength(4);
    });

    it("a code that names no enrolled member; another brand's code never attributes", async () => {
      const brand = await referralBrand();
      const other = await referralBrand();
      const stranger = await createMember(t, other);
      const a = await t.http().put('/v1/members/x1').set(brand.auth).send({ referralCode: 'ZZZZ2222' }).expect(201);
      expect(a.body.referral).toMatchObject({ status: 'rejected', reason: 'referrer_not_enrolled' });
      const b = await t
        .http()
        .put('/v1/members/x2')
        .set(brand.auth)
        .send({ referralCode: stranger.referralCode })
        .expect(201);
      expect(b.body.referral).toMatchObject({ status: 'rejected', reason: 'referrer_not_enrolled' });
      const buy = await t
        .http()
        .post('/v1/events')
        .set(brand.auth)
        .send(event({ externalId: 'x2' }, 'purchase', { amount: 50 }))
        .expect(201);
      expect(buy.body.effects.some((e: { type: string }) => e.type === 'referral')).toBe(false);
      expect((await t.http().get(`/v1/members/${stranger.id}`).set(other.auth)).body.balance.available).toBe(0);
    });
  });

  it('two purchases of the referee at once qualify once and reward once', async () => {
    const brand = await referralBrand();
    const ann = await createMember(t, brand);
    await t.http().put('/v1/members/twice').set(brand.auth).send({ referralCode: ann.referralCode }).expect(201);
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        t
          .http()
          .post('/v1/events')
          .set(brand.auth)
          .send(event({ externalId: 'twice' }, 'purchase', { amount: 40 })),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(answers.filter((a) => a.body.effects.some((e: { type: string }) => e.type === 'referral'))).toHaveLength(1);
    const referralEvents = await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM events WHERE brand_id = $1 AND type = 'referral'`, [brand.id]);
    expect(referralEvents[0].n).toBe(1);
    expect(await ledgerAudit(t, brand.id, ann.id)).toMatchObject({ available: 500, entries: 1 });
  });

  it('a purchase under minAmount or after withinDays does not qualify', async () => {
    const brand = await referralBrand({ referral: { minAmount: '20.00', withinDays: 1 } });
    const ann = await createMember(t, brand);
    const small = await t
      .http()
      .put('/v1/members/small')
      .set(brand.auth)
      .send({ referralCode: ann.referralCode })
      .expect(201);
    await t
      .http()
      .post('/v1/events')
      .set(brand.auth)
      .send(event({ externalId: 'small' }, 'purchase', { amount: '19.99' }))
      .expect(201);
    expect((await t.http().get(`/v1/referrals/${small.body.referral.id}`).set(brand.auth)).body.status).toBe('pending');

    const late = await t
      .http()
      .put('/v1/members/late')
      .set(brand.auth)
      .send({ referralCode: ann.referralCode })
      .expect(201);
    await t.app
      .get(DataSource)
      .query(`UPDATE referrals SET created_at = now() - interval '2 days' WHERE brand_id = $1 AND id = $2`, [
        brand.id,
        late.body.referral.id,
      ]);
    await t
      .http()
      .post('/v1/events')
      .set(brand.auth)
      .send(event({ externalId: 'late' }, 'purchase', { amount: '99' }))
      .expect(201);
    expect((await t.http().get(`/v1/referrals/${late.body.referral.id}`).set(brand.auth)).body.status).toBe('pending');
    expect((await t.http().get(`/v1/members/${ann.id}`).set(brand.auth)).body.balance.available).toBe(0);
  });

  it('an enrolling event that carries a code opens the referral', async () => {
    const brand = await referralBrand({ autoEnroll: true });
    const ann = await createMember(t, brand);
    const body = {
      ...event({ externalId: 'via-event' }, 'purchase', { amount: '25' }),
      member: { externalId: 'via-event', referralCode: ann.referralCode },
    };
    const res = await t.http().post('/v1/events').set(brand.auth).send(body).expect(201);
    expect(res.body.effects).toContainEqual(expect.objectContaining({ type: 'referral', referrerId: ann.id }));
  });

  describe('share link', () => {
    it('redirects an unknown code to nothing it can name: 404 without a fallback', async () => {
      const res = await t.http().get('/r/NOPE2345').expect(404);
      expect(res.body.code).toBe('referral.unknown_code');
    });

    it('limits clicks per client address', async () => {
      const brand = await referralBrand();
      const m = await createMember(t, brand);
      const codes = await Promise.all(Array.from({ length: 8 }, () => t.http().get(`/r/${m.referralCode}`)));
      const limited = codes.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(limited[0].headers['retry-after']).toBeDefined();
      const stats = await t.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM referral_clicks WHERE brand_id = $1`, [brand.id]);
      expect(stats[0].n).toBeLessThanOrEqual(5);
    });
  });
});
