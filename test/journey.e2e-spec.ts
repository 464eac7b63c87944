import { createBrand, createMember, createRule, event } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('journey stages and simulation (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  describe('PUT /v1/brand/stages', () => {
    it('replaces the stages, moving members of a removed stage by the mapping', async () => {
      const brand = await createBrand(t);
      const m = await createMember(t, brand, { stage: 'conversion' });
      const stages = [
        { key: 'awareness', name: 'Awareness' },
        { key: 'consideration', name: 'Consideration' },
        { key: 'purchase', name: 'Purchase' },
        { key: 'retention', name: 'Retention' },
      ];
      const refused = await t.http().put('/v1/brand/stages').set(brand.auth).send({ stages }).expect(409);
      expect(refused.body.code).toBe('journey.stage_in_use');
      const res = await t
        .http()
        .put('/v1/brand/stages')
        .set(brand.auth)
        .send({ stages, mapping: { conversion: 'purchase' } })
        .expect(200);
      expect(res.body.stages.map((s: { key: string }) => s.key)).toEqual([
        'awareness',
        'consideration',
        'purchase',
        'retention',
      ]);
      const member = await t.http().get(`/v1/members/${m.id}`).set(brand.auth).expect(200);
      expect(member.body.stage).toBe('purchase');
      const history = await t.http().get(`/v1/members/${m.id}/stages`).set(brand.auth).expect(200);
      expect(history.body.data.at(-1)).toMatchObject({ from: 'conversion', to: 'purchase', cause: 'stages_replaced' });
      // with no conversion stage, the first purchase moves nobody
      const fresh = await createMember(t, brand);
      const buy = await t
        .http()
        .post('/v1/events')
        .set(brand.auth)
        .send(event(fresh, 'purchase', { amount: 1 }))
        .expect(201);
      expect(buy.body.member.stage).toBe('awareness');
    });

    it('refuses to drop a stage that a live rule names', async () => {
      const brand = await createBrand(t);
      await createRule(t, brand, {
        name: 'Loyal',
        stages: ['loyalty'],
        event: 'share',
        reward: { points: { fixed: 1 } },
      });
      const res = await t
        .http()
        .put('/v1/brand/stages')
        .set(brand.auth)
        .send({
          stages: [
            { key: 'awareness', name: 'A' },
            { key: 'conversion', name: 'C' },
          ],
        })
        .expect(409);
      expect(res.body.code).toBe('journey.stage_used_by_rules');
    });

    it('refuses to drop a stage that a live reward names', async () => {
      const brand = await createBrand(t);
      await t
        .http()
        .post('/v1/rewards')
        .set(brand.auth)
        .send({ name: 'Mug', kind: 'perk', perkText: 'A mug', costPoints: 10, stages: ['loyalty'] })
        .expect(201);
      const res = await t
        .http()
        .put('/v1/brand/stages')
        .set(brand.auth)
        .send({
          stages: [
            { key: 'awareness', name: 'A' },
            { key: 'conversion', name: 'C' },
          ],
        })
        .expect(409);
      expect(res.body.code).toBe('journey.stage_used_by_rewards');
    });

    it.each([
      [{ stages: [{ key: 'only', name: 'One' }] }, 'stages'],
      // an array where a stage goes once passed and was stored as a stage without key or name
      [{ stages: [{ key: 'a', name: 'A' }, [], { key: 'b', name: 'B' }] }, 'stages'],
      [
        {
          stages: [
            { key: 'a', name: 'A' },
            { key: 'a', name: 'B' },
          ],
        },
        'stages[1].key',
      ],
      [
        {
          stages: [
            { key: 'A b', name: 'A' },
            { key: 'b', name: 'B' },
          ],
        },
        'stages[0].key',
      ],
      [{ stages: Array.from({ length: 13 }, (_, i) => ({ key: `s${i}`, name: `S${i}` })) }, 'stages'],
      [
        {
          stages: [
            { key: 'awareness', name: 'A' },
            { key: 'b', name: 'B' },
          ],
          mapping: { loyalty: 'nowhere' },
        },
        'mapping.loyalty',
      ],
    ])('refuses %j with 400 at %s', async (body, path) => {
      const brand = await createBrand(t);
      const res = await t.http().put('/v1/brand/stages').set(brand.auth).send(body).expect(400);
      expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
    });
  });

  describe('POST /v1/rules/simulate', () => {
    it('explains every rule for a hypothetical member and writes nothing', async () => {
      const brand = await createBrand(t);
      const big = await createRule(t, brand, {
        name: 'Big spender',
        event: 'purchase',
        reward: { points: { fixed: 50 } },
        conditions: { all: [{ fact: 'event.amount', op: 'gte', value: 100 }] },
      });
      const any = await createRule(t, brand, {
        name: 'Any purchase',
        event: 'purchase',
        reward: { points: { fixed: 5 } },
      });
      const res = await t
        .http()
        .post('/v1/rules/simulate')
        .set(brand.auth)
        .send({
          event: { type: 'purchase', attributes: { amount: '20' } },
          hypotheticalMember: { stage: 'consideration', purchaseCount: 0 },
        })
        .expect(200);
      expect(res.body.effects).toContainEqual({
        type: 'stage',
        from: 'consideration',
        to: 'conversion',
        cause: 'transition',
      });
      expect(res.body.effects).toContainEqual(expect.objectContaining({ type: 'points', ruleId: any.id, points: 5 }));
      const trace = Object.fromEntries(res.body.rules.map((r: { ruleId: string }) => [r.ruleId, r]));
      expect(trace[big.id]).toMatchObject({ fired: false, reason: expect.stringContaining('event.amount') });
      expect(trace[any.id]).toMatchObject({ fired: true });
      const members = await t.http().get('/v1/members').set(brand.auth).expect(200);
      expect(members.body.data).toHaveLength(0);
    });

    it("uses a real member's facts and limits without writing", async () => {
      const brand = await createBrand(t);
      await createRule(t, brand, {
        name: 'Once',
        event: 'share',
        reward: { points: { fixed: 10 } },
        limits: { perMember: { count: 1, period: 'day' } },
      });
      const m = await createMember(t, brand);
      const before = await t
        .http()
        .post('/v1/rules/simulate')
        .set(brand.auth)
        .send({ event: { type: 'share' }, member: { id: m.id } })
        .expect(200);
      expect(before.body.rules[0].fired).toBe(true);
      await t.http().post('/v1/events').set(brand.auth).send(event(m, 'share')).expect(201);
      const after = await t
        .http()
        .post('/v1/rules/simulate')
        .set(brand.auth)
        .send({ event: { type: 'share' }, member: { externalId: m.externalId } })
        .expect(200);
      expect(after.body.rules[0]).toMatchObject({ fired: false });
      expect(after.body.member.balance.available).toBe(10);
      const ledger = await t.http().get(`/v1/members/${m.id}/ledger`).set(brand.auth).expect(200);
      expect(ledger.body.data).toHaveLength(1);
    });

    it('takes the body sent to POST /v1/events as it is: event.member names the member, the key is ignored', async () => {
      const brand = await createBrand(t);
      await createRule(t, brand, {
        name: 'Per euro',
        event: 'purchase',
        reward: { points: { perUnit: { fact: 'event.amount', rate: 1 } } },
      });
      const m = await createMember(t, brand);
      const sent = {
        ...event(m, 'purchase', { amount: '42.00', currency: 'EUR' }, 'order-sim-1'),
        occurredAt: '2026-11-24T10:00:00Z',
      };
      const res = await t.http().post('/v1/rules/simulate').set(brand.auth).send({ event: sent }).expect(200);
      expect(res.body.member).toMatchObject({ id: m.id });
      expect(res.body.effects).toContainEqual(expect.objectContaining({ type: 'points', points: 42 }));
      // nothing was recorded, so the same key is still free for the real event
      await t.http().post('/v1/events').set(brand.auth).send(sent).expect(201);
      // an explicit top-level member wins over the event's; today's shape keeps working
      const other = await createMember(t, brand);
      const explicit = await t
        .http()
        .post('/v1/rules/simulate')
        .set(brand.auth)
        .send({ event: sent, member: { id: other.id } })
        .expect(200);
      expect(explicit.body.member).toMatchObject({ id: other.id });
      const byExternalId = await t
        .http()
        .post('/v1/rules/simulate')
        .set(brand.auth)
        .send({ event: { ...sent, member: { externalId: m.externalId, email: 'ann@example.com' } } })
        .expect(200);
      expect(byExternalId.body.member).toMatchObject({ id: m.id });
      const unknown = await t
        .http()
        .post('/v1/rules/simulate')
        .set(brand.auth)
        .send({ event: { ...sent, member: { externalId: 'nobody' } } })
        .expect(404);
      expect(unknown.body.code).toBe('member.not_found');
      const empty = await t
        .http()
        .post('/v1/rules/simulate')
        .set(brand.auth)
        .send({ event: { ...sent, member: {} } })
        .expect(400);
      expect(empty.body.details).toEqual([{ path: 'event.member', message: 'needs id or externalId' }]);
    });

    it('answers 404 for an unknown member and 400 for bad input', async () => {
      const brand = await createBrand(t);
      await t
        .http()
        .post('/v1/rules/simulate')
        .set(brand.auth)
        .send({ event: { type: 'share' }, member: { externalId: 'nobody' } })
        .expect(404);
      const bad = await t
        .http()
        .post('/v1/rules/simulate')
        .set(brand.auth)
        .send({ event: { type: 'purchase', attributes: {} } })
        .expect(400);
      expect(bad.body.details[0].path).toBe('event.attributes.amount');
    });
  });

  describe('starter rules', () => {
    it('the loyalty-loop template pays a first purchase and caps shares', async () => {
      const brand = await createBrand(t);
      await t.http().post('/v1/rules/templates/loyalty-loop').set(brand.auth).expect(201);
      const m = await createMember(t, brand);
      const buy = await t
        .http()
        .post('/v1/events')
        .set(brand.auth)
        .send(event(m, 'purchase', { amount: '25.00' }))
        .expect(201);
      expect(buy.body.member.balance.available).toBe(100 + 25);
      let shared = 0;
      for (let i = 0; i < 7; i++) {
        const r = await t
          .http()
          .post('/v1/events')
          .set(brand.auth)
          .send(event(m, 'share', { channel: 'x' }))
          .expect(201);
        shared += r.body.effects.filter((e: { type: string }) => e.type === 'points').length;
      }
      expect(shared).toBe(5);
    });
  });
});
