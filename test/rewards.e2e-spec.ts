import {
  createBrand,
  createMember,
  createRule,
  event,
  ledgerAudit,
  type TestBrand,
  type TestMember,
} from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('rewards and redemptions (e2e)', () => {
  let t: TestApp;
  let brand: TestBrand;
  let keyCount = 0;
  const key = () => `redeem-${process.pid}-${++keyCount}`;

  beforeAll(async () => {
    t = await startTestApp();
    brand = await createBrand(t);
  });
  afterAll(() => t.close());

  const perk = (over: Record<string, unknown> = {}) => ({
    name: 'Free coffee',
    kind: 'perk',
    costPoints: 100,
    perkText: 'Show this at the counter',
    ...over,
  });

  async function createReward(
    b: TestBrand,
    body: Record<string, unknown>,
  ): Promise<{ id: string } & Record<string, unknown>> {
    const res = await t.http().post('/v1/rewards').set(b.auth).send(body);
    if (res.status !== 201) {
      throw new Error(`reward refused: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  async function give(b: TestBrand, m: TestMember, points: number) {
    await t
      .http()
      .post(`/v1/members/${m.id}/adjustments`)
      .set(b.auth)
      .send({ points, reason: 'test points' })
      .expect(201);
  }

  async function memberWith(b: TestBrand, points: number, body: Record<string, unknown> = {}): Promise<TestMember> {
    const m = await createMember(t, b, body);
    if (points) {
      await give(b, m, points);
    }
    return m;
  }

  async function tokenOf(b: TestBrand, m: TestMember): Promise<{ Authorization: string }> {
    const res = await t.http().post(`/v1/members/${m.id}/token`).set(b.auth).expect(201);
    return { Authorization: `Bearer ${res.body.token}` };
  }

  const redeem = (b: TestBrand, memberRef: string, rewardId: string, idempotencyKey = key()) =>
    t.http().post(`/v1/members/${memberRef}/redemptions`).set(b.auth).send({ rewardId, idempotencyKey });

  async function expectLedgerConsistent(b: TestBrand, m: TestMember) {
    const audit = await ledgerAudit(t, b.id, m.id);
    expect(audit.available).toBe(audit.availableSum);
    expect(audit.pending).toBe(audit.pendingSum);
    expect(audit.runningMatches).toBe(true);
    return audit;
  }

  describe('catalog', () => {
    it('creates each kind and answers the reward shape', async () => {
      const coupon = await t
        .http()
        .post('/v1/rewards')
        .set(brand.auth)
        .send({
          name: '€5 off',
          description: 'Next order',
          kind: 'coupon',
          costPoints: 500,
          stock: 100,
          perMemberLimit: 1,
          stages: ['retention', 'loyalty'],
          tiers: ['gold'],
          validFrom: '2026-01-01T00:00:00Z',
          validUntil: '2036-01-01T00:00:00Z',
        })
        .expect(201);
      expect(coupon.body).toEqual({
        id: expect.any(String),
        name: '€5 off',
        description: 'Next order',
        kind: 'coupon',
        costPoints: 500,
        stock: 100,
        remaining: 0,
        perMemberLimit: 1,
        stages: ['retention', 'loyalty'],
        tiers: ['gold'],
        validFrom: '2026-01-01T00:00:00.000Z',
        validUntil: '2036-01-01T00:00:00.000Z',
        active: true,
        unusedCodes: 0,
        redeemed: 0,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const content = await createReward(brand, {
        name: 'Lookbook',
        kind: 'content',
        costPoints: 50,
        contentUrl: 'https://brand.example.com/lookbook',
      });
      expect(content).toMatchObject({
        kind: 'content',
        contentUrl: 'https://brand.example.com/lookbook',
        stock: null,
        remaining: null,
        stages: [],
        tiers: [],
        active: true,
      });
      expect(content).not.toHaveProperty('perkText');
      const p = await createReward(brand, perk());
      expect(p).toMatchObject({
        kind: 'perk',
        perkText: 'Show this at the counter',
        perMemberLimit: null,
        validFrom: null,
        validUntil: null,
      });
      const got = await t.http().get(`/v1/rewards/${p.id}`).set(brand.auth).expect(200);
      expect(got.body).toEqual(p);
    });

    it('refuses bad terms with 400 and the path of each fault', async () => {
      const paths = async (body: Record<string, unknown>) => {
        const res = await t.http().post('/v1/rewards').set(brand.auth).send(body).expect(400);
        expect(res.body.code).toBe('validation_failed');
        return res.body.details.map((d: { path: string }) => d.path);
      };
      expect(await paths({ kind: 'perk', perkText: 'x' })).toEqual(expect.arrayContaining(['name', 'costPoints']));
      expect(await paths(perk({ costPoints: 0 }))).toEqual(['costPoints']);
      expect(await paths(perk({ costPoints: 1.5 }))).toEqual(['costPoints']);
      expect(await paths(perk({ stock: -1 }))).toEqual(['stock']);
      expect(await paths(perk({ perMemberLimit: 0 }))).toEqual(['perMemberLimit']);
      expect(await paths(perk({ kind: 'voucher' }))).toEqual(['kind']);
      expect(await paths(perk({ stages: ['loyalty', 'nirvana'] }))).toEqual(['stages[1]']);
      expect(await paths(perk({ tiers: ['gold', 'no spaces'] }))).toEqual(['tiers']);
      expect(await paths({ name: 'x', kind: 'content', costPoints: 1 })).toEqual(['contentUrl']);
      expect(await paths({ name: 'x', kind: 'content', costPoints: 1, contentUrl: 'not a url' })).toEqual([
        'contentUrl',
      ]);
      expect(await paths(perk({ perkText: undefined }))).toEqual(['perkText']);
      expect(await paths(perk({ contentUrl: 'https://x.example' }))).toEqual(['contentUrl']);
      expect(await paths(perk({ validFrom: '2026-02-01T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' }))).toEqual([
        'validUntil',
      ]);
      expect(await paths(perk({ validFrom: 'tomorrow' }))).toEqual(['validFrom']);
      expect(await paths(perk({ colour: 'red' }))).toEqual(['colour']);
    });

    it('lists with filters and cursor pagination', async () => {
      const b = await createBrand(t);
      for (let i = 0; i < 4; i++) {
        await createReward(b, perk({ name: `Perk ${i}`, active: i !== 3 }));
      }
      await createReward(b, { name: 'Coupon', kind: 'coupon', costPoints: 10 });
      const first = await t.http().get('/v1/rewards?limit=2').set(b.auth).expect(200);
      expect(first.body.data).toHaveLength(2);
      const second = await t.http().get(`/v1/rewards?limit=2&cursor=${first.body.nextCursor}`).set(b.auth).expect(200);
      const third = await t.http().get(`/v1/rewards?limit=2&cursor=${second.body.nextCursor}`).set(b.auth).expect(200);
      expect(third.body).toMatchObject({ data: [{ name: 'Coupon' }], nextCursor: null });
      expect(
        (await t.http().get('/v1/rewards?active=false').set(b.auth).expect(200)).body.data.map(
          (r: { name: string }) => r.name,
        ),
      ).toEqual(['Perk 3']);
      expect((await t.http().get('/v1/rewards?kind=coupon').set(b.auth).expect(200)).body.data).toHaveLength(1);
      await t.http().get('/v1/rewards?cursor=nope').set(b.auth).expect(400);
      await t.http().get('/v1/rewards?active=maybe').set(b.auth).expect(400);
    });

    it('patches terms, clears nullable ones, and refuses to change the kind or null a required one', async () => {
      const r = await createReward(brand, perk({ stock: 5, perMemberLimit: 2 }));
      const patched = await t
        .http()
        .patch(`/v1/rewards/${r.id}`)
        .set(brand.auth)
        .send({ costPoints: 150, stock: null, stages: ['loyalty'], active: false })
        .expect(200);
      expect(patched.body).toMatchObject({
        costPoints: 150,
        stock: null,
        remaining: null,
        perMemberLimit: 2,
        stages: ['loyalty'],
        active: false,
        perkText: 'Show this at the counter',
      });
      const kind = await t.http().patch(`/v1/rewards/${r.id}`).set(brand.auth).send({ kind: 'coupon' }).expect(400);
      expect(kind.body.details).toEqual([{ path: 'kind', message: 'is not an allowed field' }]);
      const nulled = await t
        .http()
        .patch(`/v1/rewards/${r.id}`)
        .set(brand.auth)
        .send({ name: null, costPoints: null })
        .expect(400);
      expect(nulled.body.details.map((d: { path: string }) => d.path)).toEqual(
        expect.arrayContaining(['name', 'costPoints']),
      );
      const perkless = await t.http().patch(`/v1/rewards/${r.id}`).set(brand.auth).send({ perkText: null }).expect(400);
      expect(perkless.body.details).toEqual([{ path: 'perkText', message: 'is required for a perk reward' }]);
      const stage = await t
        .http()
        .patch(`/v1/rewards/${r.id}`)
        .set(brand.auth)
        .send({ stages: ['nirvana'] })
        .expect(400);
      expect(stage.body.details[0].path).toBe('stages[0]');
      await t
        .http()
        .patch(`/v1/rewards/00000000-0000-7000-8000-000000000000`)
        .set(brand.auth)
        .send({ active: true })
        .expect(404);
      await t.http().patch('/v1/rewards/not-a-uuid').set(brand.auth).send({ active: true }).expect(400);
    });

    it('deletes a reward from the catalog', async () => {
      const r = await createReward(brand, perk());
      await t.http().delete(`/v1/rewards/${r.id}`).set(brand.auth).expect(204);
      const gone = await t.http().get(`/v1/rewards/${r.id}`).set(brand.auth).expect(404);
      expect(gone.body.code).toBe('reward.not_found');
      await t.http().delete(`/v1/rewards/${r.id}`).set(brand.auth).expect(404);
      const list = await t.http().get('/v1/rewards?limit=200').set(brand.auth).expect(200);
      expect(list.body.data.map((x: { id: string }) => x.id)).not.toContain(r.id);
    });
  });

  describe('coupon codes', () => {
    it('adds codes once each, skipping duplicates, and bounds the stock by the pool', async () => {
      const c = await createReward(brand, { name: 'Coupon', kind: 'coupon', costPoints: 10, stock: 3 });
      const up = await t
        .http()
        .post(`/v1/rewards/${c.id}/codes`)
        .set(brand.auth)
        .send({ codes: ['A1', 'A2', 'A1'] })
        .expect(200);
      expect(up.body).toEqual({ added: 2, duplicates: 1, unusedCodes: 2, remaining: 2 });
      const again = await t
        .http()
        .post(`/v1/rewards/${c.id}/codes`)
        .set(brand.auth)
        .send({ codes: ['A2', 'A3', 'A4', 'A5'] })
        .expect(200);
      expect(again.body).toEqual({ added: 3, duplicates: 1, unusedCodes: 5, remaining: 3 });
      expect((await t.http().get(`/v1/rewards/${c.id}`).set(brand.auth).expect(200)).body).toMatchObject({
        stock: 3,
        remaining: 3,
        unusedCodes: 5,
      });
    });

    it('takes 10,000 codes in one call and refuses more, empty lists and bad codes', async () => {
      const c = await createReward(brand, { name: 'Big pool', kind: 'coupon', costPoints: 10 });
      const codes = Array.from({ length: 10_000 }, (_, i) => `BIG-${i}`);
      const up = await t.http().post(`/v1/rewards/${c.id}/codes`).set(brand.auth).send({ codes }).expect(200);
      expect(up.body).toEqual({ added: 10_000, duplicates: 0, unusedCodes: 10_000, remaining: 10_000 });
      const tooMany = await t
        .http()
        .post(`/v1/rewards/${c.id}/codes`)
        .set(brand.auth)
        .send({ codes: [...codes, 'ONE-MORE'] })
        .expect(400);
      expect(tooMany.body.details[0].path).toBe('codes');
      await t.http().post(`/v1/rewards/${c.id}/codes`).set(brand.auth).send({ codes: [] }).expect(400);
      await t
        .http()
        .post(`/v1/rewards/${c.id}/codes`)
        .set(brand.auth)
        .send({ codes: ['has space'] })
        .expect(400);
      await t
        .http()
        .post(`/v1/rewards/${c.id}/codes`)
        .set(brand.auth)
        .send({ codes: [42] })
        .expect(400);
    });

    it('takes codes only for coupons', async () => {
      const p = await createReward(brand, perk());
      const res = await t
        .http()
        .post(`/v1/rewards/${p.id}/codes`)
        .set(brand.auth)
        .send({ codes: ['X'] })
        .expect(409);
      expect(res.body.code).toBe('reward.not_a_coupon');
    });
  });

  describe('redeeming', () => {
    it('hands a coupon its code, debits available points and writes a redeem entry', async () => {
      const c = await createReward(brand, { name: '€5 off', kind: 'coupon', costPoints: 300 });
      await t
        .http()
        .post(`/v1/rewards/${c.id}/codes`)
        .set(brand.auth)
        .send({ codes: ['SAVE5-1'] })
        .expect(200);
      const m = await memberWith(brand, 1000);
      const res = await redeem(brand, m.externalId, c.id).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        rewardId: c.id,
        memberId: m.id,
        kind: 'coupon',
        status: 'completed',
        costPoints: 300,
        code: 'SAVE5-1',
        ledgerEntryId: expect.any(String),
        cancelLedgerEntryId: null,
        createdAt: expect.any(String),
        cancelledAt: null,
        balance: { available: 700, pending: 0, lifetimeEarned: 1000 },
      });
      const ledger = await t.http().get(`/v1/members/${m.id}/ledger`).set(brand.auth).expect(200);
      expect(ledger.body.data[0]).toMatchObject({
        id: res.body.ledgerEntryId,
        kind: 'redeem',
        status: 'available',
        points: -300,
        balanceAfter: 700,
        redemptionId: res.body.id,
      });
      const audit = await expectLedgerConsistent(brand, m);
      expect(audit.available).toBe(700);
      expect((await t.http().get(`/v1/rewards/${c.id}`).set(brand.auth).expect(200)).body).toMatchObject({
        remaining: 0,
        unusedCodes: 0,
        redeemed: 1,
      });
    });

    it('unlocks a content URL and a perk text', async () => {
      const content = await createReward(brand, {
        name: 'Lookbook',
        kind: 'content',
        costPoints: 50,
        contentUrl: 'https://brand.example.com/lookbook',
      });
      const p = await createReward(brand, perk());
      const m = await memberWith(brand, 150);
      const me = await tokenOf(brand, m);
      const first = await t
        .http()
        .post('/v1/me/redemptions')
        .set(me)
        .send({ rewardId: content.id, idempotencyKey: key() })
        .expect(201);
      expect(first.body).toMatchObject({
        kind: 'content',
        contentUrl: 'https://brand.example.com/lookbook',
        balance: { available: 100 },
      });
      expect(first.body).not.toHaveProperty('code');
      const second = await t
        .http()
        .post('/v1/me/redemptions')
        .set(me)
        .send({ rewardId: p.id, idempotencyKey: key() })
        .expect(201);
      expect(second.body).toMatchObject({
        kind: 'perk',
        perkText: 'Show this at the counter',
        balance: { available: 0 },
      });
      const mine = await t.http().get('/v1/me/redemptions').set(me).expect(200);
      expect(mine.body.data.map((r: { id: string }) => r.id)).toEqual([second.body.id, first.body.id]);
      expect(mine.body.data[1].contentUrl).toBe('https://brand.example.com/lookbook');
      const myLedger = await t.http().get('/v1/me/ledger').set(me).expect(200);
      expect(
        myLedger.body.data
          .filter((e: { kind: string }) => e.kind === 'redeem')
          .map((e: { points: number }) => e.points),
      ).toEqual([-100, -50]);
      await expectLedgerConsistent(brand, m);
    });

    it('refuses without enough available points; pending points cannot be spent', async () => {
      const b = await createBrand(t);
      await t
        .http()
        .patch('/v1/brand')
        .set(b.auth)
        .send({ settings: { pendingDays: 14 } })
        .expect(200);
      await createRule(t, b, { name: 'Purchase', event: 'purchase', reward: { points: { fixed: 500 } } });
      const m = await memberWith(b, 40);
      await t
        .http()
        .post('/v1/events')
        .set(b.auth)
        .send(event(m, 'purchase', { amount: '10.00' }))
        .expect(201);
      const p = await createReward(b, perk({ costPoints: 100 }));
      const res = await redeem(b, m.id, p.id).expect(409);
      expect(res.body).toMatchObject({
        statusCode: 409,
        code: 'redemption.insufficient_points',
        details: { reason: 'insufficient_points' },
      });
      const member = await t.http().get(`/v1/members/${m.id}`).set(b.auth).expect(200);
      expect(member.body.balance).toEqual({ available: 40, pending: 500, lifetimeEarned: 540 });
      expect((await ledgerAudit(t, b.id, m.id)).entries).toBe(2);
    });

    it('keeps to the per-member limit; a cancelled redemption no longer counts', async () => {
      const p = await createReward(brand, perk({ costPoints: 10, perMemberLimit: 1 }));
      const m = await memberWith(brand, 100);
      const first = await redeem(brand, m.id, p.id).expect(201);
      const again = await redeem(brand, m.id, p.id).expect(409);
      expect(again.body.code).toBe('redemption.per_member_limit');
      await redeem(brand, (await memberWith(brand, 100)).id, p.id).expect(201);
      await t.http().post(`/v1/redemptions/${first.body.id}/cancel`).set(brand.auth).expect(200);
      await redeem(brand, m.id, p.id).expect(201);
    });

    it('offers a reward only to its stages and tiers', async () => {
      const loyal = await createReward(brand, perk({ costPoints: 10, stages: ['loyalty'] }));
      const gold = await createReward(brand, perk({ costPoints: 10, tiers: ['gold'] }));
      const newcomer = await memberWith(brand, 100);
      expect((await redeem(brand, newcomer.id, loyal.id).expect(409)).body.code).toBe('redemption.stage_not_eligible');
      expect((await redeem(brand, newcomer.id, gold.id).expect(409)).body.code).toBe('redemption.tier_not_eligible');
      const ambassador = await memberWith(brand, 100, { stage: 'loyalty' });
      await redeem(brand, ambassador.id, loyal.id).expect(201);
    });

    it('refuses inactive, not yet valid and expired rewards, and a deleted or unknown one with 404', async () => {
      const m = await memberWith(brand, 100);
      const inactive = await createReward(brand, perk({ costPoints: 1, active: false }));
      const later = await createReward(brand, perk({ costPoints: 1, validFrom: '2999-01-01T00:00:00Z' }));
      const past = await createReward(brand, perk({ costPoints: 1, validUntil: '2001-01-01T00:00:00Z' }));
      expect((await redeem(brand, m.id, inactive.id).expect(409)).body.code).toBe('redemption.inactive');
      expect((await redeem(brand, m.id, later.id).expect(409)).body.code).toBe('redemption.not_yet_valid');
      expect((await redeem(brand, m.id, past.id).expect(409)).body.code).toBe('redemption.expired');
      const deleted = await createReward(brand, perk({ costPoints: 1 }));
      await t.http().delete(`/v1/rewards/${deleted.id}`).set(brand.auth).expect(204);
      expect((await redeem(brand, m.id, deleted.id).expect(404)).body.code).toBe('reward.not_found');
      await redeem(brand, 'nobody-here', inactive.id).expect(404);
      await t
        .http()
        .post(`/v1/members/${m.id}/redemptions`)
        .set(brand.auth)
        .send({ rewardId: 'nope', idempotencyKey: key() })
        .expect(400);
      await t
        .http()
        .post(`/v1/members/${m.id}/redemptions`)
        .set(brand.auth)
        .send({ rewardId: inactive.id })
        .expect(400);
      expect((await ledgerAudit(t, brand.id, m.id)).available).toBe(100);
    });
  });

  describe('idempotency', () => {
    it('answers a replay with the first answer (200), and the key with another request with 409', async () => {
      const c = await createReward(brand, { name: 'Coupon', kind: 'coupon', costPoints: 100 });
      await t
        .http()
        .post(`/v1/rewards/${c.id}/codes`)
        .set(brand.auth)
        .send({ codes: ['ONE', 'TWO'] })
        .expect(200);
      const p = await createReward(brand, perk({ costPoints: 100 }));
      const m = await memberWith(brand, 500);
      const k = key();
      const first = await redeem(brand, m.id, c.id, k).expect(201);
      const replay = await redeem(brand, m.id, c.id, k).expect(200);
      expect(replay.body).toEqual(first.body);
      // the same member named by externalId, and through the member API, is the same request
      expect((await redeem(brand, m.externalId, c.id, k).expect(200)).body).toEqual(first.body);
      const me = await tokenOf(brand, m);
      expect(
        (await t.http().post('/v1/me/redemptions').set(me).send({ rewardId: c.id, idempotencyKey: k }).expect(200))
          .body,
      ).toEqual(first.body);

      const otherReward = await redeem(brand, m.id, p.id, k).expect(409);
      expect(otherReward.body.code).toBe('redemption.idempotency_conflict');
      const otherMember = await redeem(brand, (await memberWith(brand, 500)).id, c.id, k).expect(409);
      expect(otherMember.body.code).toBe('redemption.idempotency_conflict');

      expect((await ledgerAudit(t, brand.id, m.id)).available).toBe(400);
      expect((await t.http().get(`/v1/rewards/${c.id}`).set(brand.auth).expect(200)).body).toMatchObject({
        redeemed: 1,
        unusedCodes: 1,
      });
    });

    it('does not use up a key on a refused attempt', async () => {
      const p = await createReward(brand, perk({ costPoints: 100 }));
      const m = await memberWith(brand, 50);
      const k = key();
      await redeem(brand, m.id, p.id, k).expect(409);
      await give(brand, m, 50);
      await redeem(brand, m.id, p.id, k).expect(201);
    });

    it('redeems once when one key arrives many times at once', async () => {
      const p = await createReward(brand, perk({ costPoints: 10 }));
      const m = await memberWith(brand, 1000);
      const k = key();
      const answers = await Promise.all(Array.from({ length: 10 }, () => redeem(brand, m.id, p.id, k)));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect((await ledgerAudit(t, brand.id, m.id)).available).toBe(990);
    });

    it('lets one of many members sharing a key at once redeem; the others get 409', async () => {
      const p = await createReward(brand, perk({ costPoints: 10 }));
      const members = await Promise.all(Array.from({ length: 8 }, () => memberWith(brand, 100)));
      const k = key();
      const answers = await Promise.all(members.map((m) => redeem(brand, m.id, p.id, k)));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(
        Array(7).fill('redemption.idempotency_conflict'),
      );
      const audits = await Promise.all(members.map((m) => ledgerAudit(t, brand.id, m.id)));
      expect(audits.map((a) => a.available).sort((x, y) => x - y)).toEqual([90, 100, 100, 100, 100, 100, 100, 100]);
    });
  });

  describe('under concurrency', () => {
    it('gives a 1-stock reward to exactly one of 20 members redeeming at once', async () => {
      const b = await createBrand(t);
      const r = await createReward(b, perk({ costPoints: 10, stock: 1 }));
      const members = await Promise.all(Array.from({ length: 20 }, () => memberWith(b, 100)));
      const answers = await Promise.all(members.map((m) => redeem(b, m.id, r.id)));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      expect(new Set(answers.filter((a) => a.status === 409).map((a) => a.body.code))).toEqual(
        new Set(['redemption.out_of_stock']),
      );
      expect((await t.http().get(`/v1/rewards/${r.id}`).set(b.auth).expect(200)).body).toMatchObject({
        stock: 1,
        remaining: 0,
        redeemed: 1,
      });
      const all = await t.http().get(`/v1/redemptions?rewardId=${r.id}`).set(b.auth).expect(200);
      expect(all.body.data).toHaveLength(1);
    });

    it('gives one member exactly as many as their points pay for, never a negative balance', async () => {
      const b = await createBrand(t);
      const r = await createReward(b, perk({ costPoints: 100 }));
      const m = await memberWith(b, 350);
      const answers = await Promise.all(Array.from({ length: 20 }, () => redeem(b, m.id, r.id)));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
      expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(
        Array(17).fill('redemption.insufficient_points'),
      );
      const audit = await expectLedgerConsistent(b, m);
      expect(audit.available).toBe(50);
      expect(audit.entries).toBe(4);
      const { DataSource } = await import('typeorm');
      const [{ lowest }] = await t.app
        .get(DataSource)
        .query('SELECT min(balance_after)::int AS lowest FROM ledger_entries WHERE brand_id = $1 AND member_id = $2', [
          b.id,
          m.id,
        ]);
      expect(lowest).toBe(50);
    });
  });

  describe('an unlimited reward under concurrency (no row lock, no counter on its row)', () => {
    const sql = async (text: string, params: unknown[]) => {
      const { DataSource } = await import('typeorm');
      return t.app.get(DataSource).query(text, params);
    };
    const view = async (b: TestBrand, id: string) =>
      (await t.http().get(`/v1/rewards/${id}`).set(b.auth).expect(200)).body;
    const liveRedemptions = async (b: TestBrand, id: string) =>
      (
        await sql(
          `SELECT count(*)::int AS n FROM redemptions WHERE brand_id = $1 AND reward_id = $2 AND status = 'completed'`,
          [b.id, id],
        )
      )[0].n;

    it('redeems for 40 members at once: every one succeeds with an exact balance, and the count is exact', async () => {
      const b = await createBrand(t);
      const r = await createReward(b, perk({ costPoints: 10 }));
      const members = await Promise.all(Array.from({ length: 40 }, () => memberWith(b, 100)));
      const answers = await Promise.all(members.map((m) => redeem(b, m.id, r.id)));
      expect(answers.map((a) => a.status)).toEqual(Array(40).fill(201));
      expect(answers.map((a) => a.body.balance.available)).toEqual(Array(40).fill(90));
      for (const m of members) {
        expect((await expectLedgerConsistent(b, m)).available).toBe(90);
      }
      expect(await view(b, r.id)).toMatchObject({ stock: null, remaining: null, redeemed: 40 });
      expect(await liveRedemptions(b, r.id)).toBe(40);
      // the reward's own row was not written by any of them
      const [row] = await sql('SELECT redeemed, updated_at FROM rewards WHERE brand_id = $1 AND id = $2', [b.id, r.id]);
      expect(row.redeemed).toBe(0);
      expect(row.updated_at.toISOString()).toBe(r.updatedAt);
    });

    it('gives a 5-stock reward to exactly 5 of 40 members redeeming at once', async () => {
      const b = await createBrand(t);
      const r = await createReward(b, perk({ costPoints: 10, stock: 5 }));
      const members = await Promise.all(Array.from({ length: 40 }, () => memberWith(b, 100)));
      const answers = await Promise.all(members.map((m) => redeem(b, m.id, r.id)));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(5);
      expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(
        Array(35).fill('redemption.out_of_stock'),
      );
      expect(await view(b, r.id)).toMatchObject({ stock: 5, remaining: 0, redeemed: 5 });
      expect(await liveRedemptions(b, r.id)).toBe(5);
    });

    it('keeps the count exact across cancellations and a stock given and taken away', async () => {
      const b = await createBrand(t);
      const r = await createReward(b, perk({ costPoints: 10 }));
      const members = await Promise.all(Array.from({ length: 10 }, () => memberWith(b, 100)));
      const first = await Promise.all(members.map((m) => redeem(b, m.id, r.id).expect(201)));
      await Promise.all(
        first.slice(0, 3).map((a) => t.http().post(`/v1/redemptions/${a.body.id}/cancel`).set(b.auth).expect(200)),
      );
      expect(await view(b, r.id)).toMatchObject({ remaining: null, redeemed: 7 });

      const limited = await t.http().patch(`/v1/rewards/${r.id}`).set(b.auth).send({ stock: 9 }).expect(200);
      expect(limited.body).toMatchObject({ stock: 9, remaining: 2, redeemed: 7 });
      const second = await Promise.all(members.map((m) => redeem(b, m.id, r.id)));
      expect(second.filter((a) => a.status === 201)).toHaveLength(2);
      const cancelled = second.find((a) => a.status === 201)!;
      await t.http().post(`/v1/redemptions/${cancelled.body.id}/cancel`).set(b.auth).expect(200);
      expect(await view(b, r.id)).toMatchObject({ stock: 9, remaining: 1, redeemed: 8 });

      const unlimited = await t.http().patch(`/v1/rewards/${r.id}`).set(b.auth).send({ stock: null }).expect(200);
      expect(unlimited.body).toMatchObject({ stock: null, remaining: null, redeemed: 8 });
      await redeem(b, members[0].id, r.id).expect(201);
      await t.http().post(`/v1/redemptions/${first[5].body.id}/cancel`).set(b.auth).expect(200);
      expect(await view(b, r.id)).toMatchObject({ redeemed: 8 });
      expect(await liveRedemptions(b, r.id)).toBe(8);
      for (const m of members) {
        await expectLedgerConsistent(b, m);
      }
    });

    it('counts every redemption when a stock is set while 40 are under way, and never goes past it after', async () => {
      const b = await createBrand(t);
      const r = await createReward(b, perk({ costPoints: 10 }));
      const members = await Promise.all(Array.from({ length: 40 }, () => memberWith(b, 100)));
      const [answers, edit] = await Promise.all([
        Promise.all(members.map((m) => redeem(b, m.id, r.id))),
        t.http().patch(`/v1/rewards/${r.id}`).set(b.auth).send({ stock: 20 }),
      ]);
      expect(edit.status).toBe(200);
      const won = answers.filter((a) => a.status === 201).length;
      expect(answers.filter((a) => a.status !== 201).map((a) => a.body.code)).toEqual(
        Array(40 - won).fill('redemption.out_of_stock'),
      );
      expect(await liveRedemptions(b, r.id)).toBe(won);
      expect(await view(b, r.id)).toMatchObject({ stock: 20, redeemed: won, remaining: Math.max(0, 20 - won) });
      // the edit saw every redemption that came before it: after it, the stock is what bounds them
      expect(edit.body.redeemed).toBeLessThanOrEqual(won);
      expect(won).toBe(Math.max(20, edit.body.redeemed));
    });
  });

  describe('cancelling', () => {
    it('returns the points (a reverse entry) and the stock but voids the code; twice is a 409', async () => {
      const c = await createReward(brand, { name: 'Coupon', kind: 'coupon', costPoints: 200, stock: 5 });
      await t
        .http()
        .post(`/v1/rewards/${c.id}/codes`)
        .set(brand.auth)
        .send({ codes: ['FIRST', 'SECOND'] })
        .expect(200);
      const m = await memberWith(brand, 500);
      const redeemed = await redeem(brand, m.id, c.id).expect(201);
      expect(redeemed.body.code).toBe('FIRST');
      const cancelled = await t.http().post(`/v1/redemptions/${redeemed.body.id}/cancel`).set(brand.auth).expect(200);
      expect(cancelled.body).toMatchObject({
        id: redeemed.body.id,
        status: 'cancelled',
        code: 'FIRST',
        cancelledAt: expect.any(String),
        cancelLedgerEntryId: expect.any(String),
        balance: { available: 500, pending: 0, lifetimeEarned: 500 },
      });
      const ledger = await t.http().get(`/v1/members/${m.id}/ledger`).set(brand.auth).expect(200);
      expect(ledger.body.data[0]).toMatchObject({
        id: cancelled.body.cancelLedgerEntryId,
        kind: 'reverse',
        points: 200,
        balanceAfter: 500,
        redemptionId: redeemed.body.id,
        reason: 'redemption cancelled',
      });
      await expectLedgerConsistent(brand, m);
      // the unit is back in stock, but the code the member saw is not: one unused code is left
      expect((await t.http().get(`/v1/rewards/${c.id}`).set(brand.auth).expect(200)).body).toMatchObject({
        redeemed: 0,
        unusedCodes: 1,
        remaining: 1,
      });
      const twice = await t.http().post(`/v1/redemptions/${redeemed.body.id}/cancel`).set(brand.auth).expect(409);
      expect(twice.body.code).toBe('redemption.already_cancelled');
      const next = await redeem(brand, m.id, c.id).expect(201);
      expect(next.body.code).toBe('SECOND');
      expect((await redeem(brand, m.id, c.id).expect(409)).body.code).toBe('redemption.out_of_stock');
      const got = await t.http().get(`/v1/redemptions/${redeemed.body.id}`).set(brand.auth).expect(200);
      expect(got.body).toMatchObject({ status: 'cancelled', code: 'FIRST' });
      expect(got.body).not.toHaveProperty('balance');
    });

    it('cancels once when asked many times at once', async () => {
      const p = await createReward(brand, perk({ costPoints: 100, stock: 1 }));
      const m = await memberWith(brand, 100);
      const r = await redeem(brand, m.id, p.id).expect(201);
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => t.http().post(`/v1/redemptions/${r.body.id}/cancel`).set(brand.auth)),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409]);
      const audit = await expectLedgerConsistent(brand, m);
      expect(audit.available).toBe(100);
      expect((await t.http().get(`/v1/rewards/${p.id}`).set(brand.auth).expect(200)).body).toMatchObject({
        remaining: 1,
        redeemed: 0,
      });
    });

    it('still cancels a redemption of a deleted reward', async () => {
      const p = await createReward(brand, perk({ costPoints: 30 }));
      const m = await memberWith(brand, 30);
      const r = await redeem(brand, m.id, p.id).expect(201);
      await t.http().delete(`/v1/rewards/${p.id}`).set(brand.auth).expect(204);
      await t.http().post(`/v1/redemptions/${r.body.id}/cancel`).set(brand.auth).expect(200);
      expect((await ledgerAudit(t, brand.id, m.id)).available).toBe(30);
    });
  });

  describe('the member catalog', () => {
    it('says per reward whether the member may redeem it, and why not', async () => {
      const b = await createBrand(t);
      const names: Record<string, string> = {};
      const add = async (name: string, body: Record<string, unknown>) =>
        (names[(await createReward(b, { ...perk({ costPoints: 10 }), name, ...body })).id] = name);
      await add('open', {});
      await add('content', { kind: 'content', perkText: undefined, contentUrl: 'https://brand.example.com/secret' });
      await add('inactive', { active: false });
      await add('later', { validFrom: '2999-01-01T00:00:00Z' });
      await add('past', { validUntil: '2001-01-01T00:00:00Z' });
      await add('loyal', { stages: ['loyalty'] });
      await add('gold', { tiers: ['gold'] });
      await add('gone', { stock: 0 });
      await add('coupon', { kind: 'coupon', perkText: undefined });
      const limited = await createReward(b, perk({ name: 'limited', costPoints: 10, perMemberLimit: 1 }));
      names[limited.id] = 'limited';
      await add('dear', { costPoints: 1000 });
      const m = await memberWith(b, 100);
      await redeem(b, m.id, limited.id).expect(201);

      const me = await tokenOf(b, m);
      const res = await t.http().get('/v1/me/rewards').set(me).expect(200);
      const verdicts = Object.fromEntries(
        res.body.data.map((r: { id: string; redeemable: boolean; reason?: string }) => [
          names[r.id],
          r.redeemable ? 'yes' : r.reason,
        ]),
      );
      expect(verdicts).toEqual({
        open: 'yes',
        content: 'yes',
        inactive: 'inactive',
        later: 'not_yet_valid',
        past: 'expired',
        loyal: 'stage_not_eligible',
        gold: 'tier_not_eligible',
        gone: 'out_of_stock',
        coupon: 'out_of_stock',
        limited: 'per_member_limit',
        dear: 'insufficient_points',
      });
      const content = res.body.data.find((r: { id: string }) => names[r.id] === 'content');
      expect(content).toMatchObject({ kind: 'content', costPoints: 10, remaining: null, redeemable: true });
      expect(content).not.toHaveProperty('contentUrl');
      expect(res.body.data.find((r: { id: string }) => names[r.id] === 'open')).not.toHaveProperty('perkText');

      const page = await t.http().get('/v1/me/rewards?limit=4').set(me).expect(200);
      expect(page.body.data).toHaveLength(4);
      expect(page.body.nextCursor).toBe(page.body.data[3].id);
      await t.http().get('/v1/me/rewards').set(b.auth).expect(401);
      await t.http().get('/v1/rewards').set(me).expect(401);
    });
  });

  describe('redemption lists', () => {
    it('filters by member, reward and status, newest first, with cursors', async () => {
      const b = await createBrand(t);
      const p = await createReward(b, perk({ costPoints: 10 }));
      const q = await createReward(b, perk({ costPoints: 10 }));
      const ann = await memberWith(b, 100);
      const bob = await memberWith(b, 100);
      const r1 = (await redeem(b, ann.id, p.id).expect(201)).body;
      const r2 = (await redeem(b, ann.id, q.id).expect(201)).body;
      const r3 = (await redeem(b, bob.id, p.id).expect(201)).body;
      await t.http().post(`/v1/redemptions/${r1.id}/cancel`).set(b.auth).expect(200);
      const ids = async (query: string) =>
        (await t.http().get(`/v1/redemptions${query}`).set(b.auth).expect(200)).body.data.map(
          (r: { id: string }) => r.id,
        );
      expect(await ids('')).toEqual([r3.id, r2.id, r1.id]);
      expect(await ids(`?memberId=${ann.id}`)).toEqual([r2.id, r1.id]);
      expect(await ids(`?rewardId=${p.id}`)).toEqual([r3.id, r1.id]);
      expect(await ids('?status=cancelled')).toEqual([r1.id]);
      expect(await ids(`?memberId=${ann.id}&status=completed`)).toEqual([r2.id]);
      const first = await t.http().get('/v1/redemptions?limit=2').set(b.auth).expect(200);
      expect(first.body.nextCursor).toBe(r2.id);
      expect(await ids(`?limit=2&cursor=${first.body.nextCursor}`)).toEqual([r1.id]);
      await t.http().get('/v1/redemptions?status=lost').set(b.auth).expect(400);
      await t.http().get('/v1/redemptions?memberId=ann').set(b.auth).expect(400);
      const bobs = await t
        .http()
        .get('/v1/me/redemptions')
        .set(await tokenOf(b, bob))
        .expect(200);
      expect(bobs.body.data.map((r: { id: string }) => r.id)).toEqual([r3.id]);
    });
  });

  describe('tenancy', () => {
    it("answers 404 for another brand's rewards and redemptions", async () => {
      const c = await createReward(brand, { name: 'Coupon', kind: 'coupon', costPoints: 10 });
      await t
        .http()
        .post(`/v1/rewards/${c.id}/codes`)
        .set(brand.auth)
        .send({ codes: ['MINE'] })
        .expect(200);
      const m = await memberWith(brand, 100);
      const r = await redeem(brand, m.id, c.id).expect(201);

      const other = await createBrand(t);
      await t.http().get(`/v1/rewards/${c.id}`).set(other.auth).expect(404);
      await t.http().patch(`/v1/rewards/${c.id}`).set(other.auth).send({ active: false }).expect(404);
      await t.http().delete(`/v1/rewards/${c.id}`).set(other.auth).expect(404);
      await t
        .http()
        .post(`/v1/rewards/${c.id}/codes`)
        .set(other.auth)
        .send({ codes: ['THEIRS'] })
        .expect(404);
      await t.http().get(`/v1/redemptions/${r.body.id}`).set(other.auth).expect(404);
      expect((await t.http().post(`/v1/redemptions/${r.body.id}/cancel`).set(other.auth).expect(404)).body.code).toBe(
        'redemption.not_found',
      );
      expect((await t.http().get('/v1/redemptions').set(other.auth).expect(200)).body.data).toEqual([]);
      expect((await t.http().get('/v1/rewards').set(other.auth).expect(200)).body.data).toEqual([]);
      // their member cannot spend on our reward, and our member is unknown to them
      const theirs = await memberWith(other, 100);
      expect((await redeem(other, theirs.id, c.id).expect(404)).body.code).toBe('reward.not_found');
      await redeem(other, m.id, c.id).expect(404);
      const theirToken = await tokenOf(other, theirs);
      await t
        .http()
        .post('/v1/me/redemptions')
        .set(theirToken)
        .send({ rewardId: c.id, idempotencyKey: key() })
        .expect(404);
      // the same idempotency key is free in another brand
      const own = await createReward(other, perk({ costPoints: 10 }));
      await t
        .http()
        .post('/v1/me/redemptions')
        .set(theirToken)
        .send({ rewardId: own.id, idempotencyKey: r.body.id })
        .expect(201);
      // nothing the other brand did touched ours
      expect((await t.http().get(`/v1/rewards/${c.id}`).set(brand.auth).expect(200)).body).toMatchObject({
        active: true,
        redeemed: 1,
        unusedCodes: 0,
      });
    });
  });

  it('documents every endpoint in OpenAPI', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/rewards',
        '/v1/rewards/{id}',
        '/v1/rewards/{id}/codes',
        '/v1/redemptions',
        '/v1/redemptions/{id}',
        '/v1/redemptions/{id}/cancel',
        '/v1/members/{id}/redemptions',
        '/v1/me/rewards',
        '/v1/me/redemptions',
      ]),
    );
    expect(doc.paths['/v1/rewards'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CreateRewardDto',
    });
    expect(doc.components.schemas.RedemptionResultView.properties).toHaveProperty('balance');
    expect(Object.keys(doc.components.schemas.MemberRewardView.properties)).toEqual(
      expect.arrayContaining(['id', 'costPoints', 'remaining', 'redeemable', 'reason']),
    );
    expect(doc.components.schemas.MemberRewardView.properties).not.toHaveProperty('contentUrl');
  });
});
