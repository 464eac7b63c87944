import fc from 'fast-check';
import { DataSource } from 'typeorm';
import {
  createBrand,
  createMember,
  createRule,
  event,
  ledgerAudit,
  sendEvent,
  setSettings,
} from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { replayable } from './support/fast-check.js';

const points = (body: { effects: Array<{ type: string; points?: number }> }) =>
  body.effects.filter((e) => e.type === 'points').reduce((a, e) => a + (e.points ?? 0), 0);

describe('event pipeline (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  describe('a member walks the journey', () => {
    it('goes awareness → consideration → conversion → retention → loyalty through events', async () => {
      const brand = await createBrand(t);
      await createRule(t, brand, {
        name: 'Share',
        stages: ['awareness'],
        event: 'share',
        reward: { points: { fixed: 10 } },
        advanceStage: 'consideration',
      });
      await createRule(t, brand, {
        name: 'Content',
        stages: ['consideration'],
        event: 'content',
        reward: { points: { fixed: 15 } },
      });
      await createRule(t, brand, {
        name: 'Per euro',
        stages: ['conversion', 'retention', 'loyalty'],
        event: 'purchase',
        reward: { points: { perUnit: { fact: 'event.amount', rate: 2, rounding: 'floor' } } },
      });
      await createRule(t, brand, {
        name: 'Ambassador',
        stages: ['retention'],
        event: 'review.published',
        reward: { points: { fixed: 50 } },
        advanceStage: 'loyalty',
      });
      const m = await createMember(t, brand);

      const share = await sendEvent(t, brand, event(m, 'share', { channel: 'whatsapp', url: 'https://x.test/p' }));
      expect(share.body.effects).toEqual([
        expect.objectContaining({ type: 'points', points: 10, status: 'available' }),
        { type: 'stage', from: 'awareness', to: 'consideration', cause: 'rule', ruleId: expect.any(String) },
      ]);
      const content = await sendEvent(t, brand, event(m, 'content'));
      expect(points(content.body)).toBe(15);
      const first = await sendEvent(t, brand, event(m, 'purchase', { amount: '20.50', currency: 'EUR' }));
      expect(first.body.effects).toContainEqual({
        type: 'stage',
        from: 'consideration',
        to: 'conversion',
        cause: 'transition',
      });
      expect(points(first.body)).toBe(41); // floor(20.50 × 2), rewarded at the stage the purchase made
      const second = await sendEvent(t, brand, event(m, 'purchase', { amount: 10 }));
      expect(second.body.member.stage).toBe('retention');
      const review = await sendEvent(t, brand, event(m, 'review.published'));
      expect(review.body.member).toMatchObject({
        stage: 'loyalty',
        balance: { available: 10 + 15 + 41 + 20 + 50, pending: 0 },
      });

      const history = await t.app
        .get(DataSource)
        .query(
          `SELECT from_stage, to_stage, cause FROM stage_changes WHERE brand_id = $1 AND member_id = $2 ORDER BY id`,
          [brand.id, m.id],
        );
      expect(history.map((h: { to_stage: string }) => h.to_stage)).toEqual([
        'awareness',
        'consideration',
        'conversion',
        'retention',
        'loyalty',
      ]);
      expect(history[0]).toMatchObject({ from_stage: null, cause: 'enrollment' });
      const audit = await ledgerAudit(t, brand.id, m.id);
      expect(audit).toMatchObject({ available: 136, availableSum: 136, entries: 5, runningMatches: true });
    });

    it('never moves back on advanceStage, but setStage may', async () => {
      const brand = await createBrand(t);
      await createRule(t, brand, { name: 'Back to awareness', event: 'lapse', reward: {}, setStage: 'awareness' });
      await createRule(t, brand, {
        name: 'Advance to consideration',
        event: 'visit',
        reward: {},
        advanceStage: 'consideration',
      });
      const m = await createMember(t, brand, { stage: 'retention' });
      const visit = await sendEvent(t, brand, event(m, 'visit'));
      expect(visit.body.member.stage).toBe('retention');
      const lapse = await sendEvent(t, brand, event(m, 'lapse'));
      expect(lapse.body.member.stage).toBe('awareness');
    });

    it('lets a brand switch the built-in transitions off', async () => {
      const brand = await createBrand(t);
      await setSettings(t, brand, { transitions: { firstPurchase: false } });
      const m = await createMember(t, brand);
      const res = await sendEvent(t, brand, event(m, 'purchase', { amount: 5 }));
      expect(res.body.member.stage).toBe('awareness');
    });
  });

  describe('idempotency', () => {
    it('50 concurrent deliveries of one event award once; the others get the first answer', async () => {
      const brand = await createBrand(t);
      await createRule(t, brand, { name: 'Buy', event: 'purchase', reward: { points: { fixed: 25 } } });
      const m = await createMember(t, brand);
      const body = event(m, 'purchase', { amount: '12.00', orderId: 'o-1' }, 'order-1');
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => t.http().post('/v1/events').set(brand.auth).send(body)),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(49);
      const eventIds = new Set(answers.map((a) => a.body.eventId));
      expect(eventIds.size).toBe(1);
      expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(49);
      const audit = await ledgerAudit(t, brand.id, m.id);
      expect(audit).toMatchObject({ entries: 1, available: 25, availableSum: 25 });
    });

    it('answers 409 for the same key with another body, and 200 with the first answer for a retry', async () => {
      const brand = await createBrand(t);
      const m = await createMember(t, brand);
      const first = await sendEvent(t, brand, event(m, 'purchase', { amount: 1 }, 'k-1'));
      const retry = await sendEvent(t, brand, event(m, 'purchase', { amount: 1 }, 'k-1'), 200);
      expect(retry.body).toEqual({ ...first.body, duplicate: true });
      const other = await sendEvent(t, brand, event(m, 'purchase', { amount: 2 }, 'k-1'), 409);
      expect(other.body.code).toBe('event.idempotency_conflict');
    });

    it('keys are per brand', async () => {
      const a = await createBrand(t);
      const b = await createBrand(t);
      const ma = await createMember(t, a);
      const mb = await createMember(t, b);
      await sendEvent(t, a, event(ma, 'share', {}, 'same-key'));
      await sendEvent(t, b, event(mb, 'share', {}, 'same-key'));
    });
  });

  describe('limits under concurrency', () => {
    it('20 concurrent events against a count-3 daily limit award exactly 3', async () => {
      const brand = await createBrand(t);
      await createRule(t, brand, {
        name: 'Share',
        event: 'share',
        reward: { points: { fixed: 10 } },
        limits: { perMember: { count: 3, period: 'day' } },
      });
      const m = await createMember(t, brand);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => t.http().post('/v1/events').set(brand.auth).send(event(m, 'share'))),
      );
      expect(answers.every((a) => a.status === 201)).toBe(true);
      expect(answers.filter((a) => points(a.body) > 0)).toHaveLength(3);
      expect(await ledgerAudit(t, brand.id, m.id)).toMatchObject({
        entries: 3,
        available: 30,
        availableSum: 30,
        runningMatches: true,
      });
    });

    it('a budget that runs out mid-burst is never overspent', async () => {
      const brand = await createBrand(t);
      const rule = await createRule(t, brand, {
        name: 'Launch',
        event: 'purchase',
        reward: { points: { fixed: 30 } },
        limits: { budgetPoints: 100 },
      });
      const members = await Promise.all(Array.from({ length: 10 }, () => createMember(t, brand)));
      const answers = await Promise.all(
        members.map((m) =>
          t
            .http()
            .post('/v1/events')
            .set(brand.auth)
            .send(event(m, 'purchase', { amount: 1 })),
        ),
      );
      expect(answers.every((a) => a.status === 201)).toBe(true);
      const awarded = answers.reduce((a, r) => a + points(r.body), 0);
      expect(awarded).toBe(100);
      const [row] = await t.app
        .get(DataSource)
        .query('SELECT budget_spent FROM rules WHERE brand_id = $1 AND id = $2', [brand.id, rule.id]);
      expect(Number(row.budget_spent)).toBe(100);
    });

    it('concurrent events for the same members by externalId are all applied (grouped commits lock by id)', async () => {
      const brand = await createBrand(t);
      await createRule(t, brand, { name: 'Visit', event: 'visit', reward: { points: { fixed: 1 } } });
      const members = await Promise.all(Array.from({ length: 3 }, () => createMember(t, brand)));
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          t
            .http()
            .post('/v1/events')
            .set(brand.auth)
            .send(event({ externalId: members[i % 3].externalId }, 'visit')),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(60).fill(201));
      for (const m of members) {
        expect(await ledgerAudit(t, brand.id, m.id)).toMatchObject({
          entries: 20,
          available: 20,
          runningMatches: true,
        });
      }
    });

    it('a cooldown holds under a burst', async () => {
      const brand = await createBrand(t);
      await createRule(t, brand, {
        name: 'Check-in',
        event: 'checkin',
        reward: { points: { fixed: 5 } },
        limits: { cooldownSeconds: 3600 },
      });
      const m = await createMember(t, brand);
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => t.http().post('/v1/events').set(brand.auth).send(event(m, 'checkin'))),
      );
      expect(answers.filter((a) => points(a.body) > 0)).toHaveLength(1);
    });
  });

  describe('members and enrolment', () => {
    it('answers 404 for an unknown member unless autoEnroll is on', async () => {
      const brand = await createBrand(t);
      const res = await sendEvent(t, brand, event({ externalId: 'ghost' }, 'share'), 404);
      expect(res.body.code).toBe('member.not_found');
      await setSettings(t, brand, { autoEnroll: true });
      const body = {
        ...event({ externalId: 'new-1' }, 'share'),
        member: { externalId: 'new-1', email: 'New@Example.com' },
      };
      const enrolled = await sendEvent(t, brand, body);
      expect(enrolled.body.member).toMatchObject({ externalId: 'new-1', stage: 'awareness' });
      const m = await t.http().get('/v1/members/new-1').set(brand.auth).expect(200);
      expect(m.body.email).toBe('new@example.com');
      await sendEvent(t, brand, event({ id: '00000000-0000-7000-8000-000000000000' }, 'share'), 404);
    });

    it("another brand's member is a 404", async () => {
      const a = await createBrand(t);
      const b = await createBrand(t);
      const m = await createMember(t, a);
      await sendEvent(t, b, event({ id: m.id }, 'share'), 404);
    });
  });

  describe('validation', () => {
    it.each([
      [{ type: 'purchase', attributes: {} }, 'attributes.amount'],
      [{ type: 'purchase', attributes: { amount: '-1' } }, 'attributes.amount'],
      [{ type: 'feedback', attributes: { rating: 9 } }, 'attributes.rating'],
      [{ type: 'share', attributes: { channel: 'fax' } }, 'attributes.channel'],
      [{ type: 'share', attributes: { nested: { a: 1 } } }, 'attributes.nested'],
      [{ type: 'Bad Type' }, 'type'],
      [{ type: 'referral' }, 'type'],
      [{ type: 'share', occurredAt: '2999-01-01T00:00:00Z' }, 'occurredAt'],
      [{ type: 'share', member: {} }, 'member'],
      [{ type: 'share', idempotencyKey: '' }, 'idempotencyKey'],
      [{ type: 'share', extra: 1 }, 'extra'],
      [{ type: 'share', idempotencyKey: 'referral:0190' }, 'idempotencyKey'],
      [{ type: 'share', idempotencyKey: 'retention:inactive:x:2026-01-01' }, 'idempotencyKey'],
    ])('refuses %j with 400 at %s', async (patch, path) => {
      const brand = await createBrand(t);
      const body = { ...event({ externalId: 'x' }, 'share'), ...patch };
      const res = await sendEvent(t, brand, body, 400);
      expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
    });
  });

  describe('batch', () => {
    it('answers each event on its own; one bad event does not sink the others', async () => {
      const brand = await createBrand(t);
      await createRule(t, brand, { name: 'Buy', event: 'purchase', reward: { points: { fixed: 7 } } });
      const m = await createMember(t, brand);
      const res = await t
        .http()
        .post('/v1/events/batch')
        .set(brand.auth)
        .send({
          events: [
            event(m, 'purchase', { amount: 1 }, 'b-1'),
            event(m, 'purchase', {}, 'b-2'),
            event({ externalId: 'nobody' }, 'purchase', { amount: 1 }, 'b-3'),
            event(m, 'purchase', { amount: 1 }, 'b-1'),
            event(m, 'purchase', { amount: 2 }, 'b-1'),
            event(m, 'purchase', { amount: 3 }, 'b-6'),
            'not an object',
          ],
        })
        .expect(200);
      expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([201, 400, 404, 200, 409, 201, 400]);
      expect(res.body.results[1].error.details[0].path).toBe('events[1].attributes.amount');
      expect(res.body.results[5].result.member.balance.available).toBe(14);
      expect(await ledgerAudit(t, brand.id, m.id)).toMatchObject({ entries: 2, available: 14, runningMatches: true });
    });

    it('refuses more than 1,000 events', async () => {
      const brand = await createBrand(t);
      const events = Array.from({ length: 1001 }, (_, i) => event({ externalId: 'x' }, 'share', {}, `k${i}`));
      await t.http().post('/v1/events/batch').set(brand.auth).send({ events }).expect(400);
    });
  });

  describe('ledger invariant', () => {
    it('after a random concurrent workload every balance equals its ledger sum', async () => {
      const brand = await createBrand(t);
      await createRule(t, brand, {
        name: 'Buy',
        event: 'purchase',
        reward: { points: { perUnit: { fact: 'event.amount', rate: 1, rounding: 'floor' } } },
        limits: { perMember: { points: 500, period: 'day' } },
      });
      await createRule(t, brand, {
        name: 'Share',
        event: 'share',
        reward: { points: { fixed: 3 } },
        limits: { perMember: { count: 4, period: 'week' } },
      });
      const members = await Promise.all(Array.from({ length: 4 }, () => createMember(t, brand)));
      const action = fc.record({
        member: fc.integer({ min: 0, max: 3 }),
        kind: fc.constantFrom('purchase', 'share', 'credit', 'debit', 'replay'),
        amount: fc.integer({ min: 1, max: 300 }),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 25 }), async (actions) => {
          let last: Record<string, unknown> | null = null;
          await Promise.all(
            actions.map((a) => {
              const m = members[a.member];
              if (a.kind === 'credit' || a.kind === 'debit') {
                return t
                  .http()
                  .post(`/v1/members/${m.id}/adjustments`)
                  .set(brand.auth)
                  .send({ points: a.kind === 'credit' ? a.amount : -a.amount, reason: 'prop' });
              }
              const body =
                a.kind === 'replay' && last
                  ? last
                  : event(m, a.kind === 'replay' ? 'share' : a.kind, a.kind === 'purchase' ? { amount: a.amount } : {});
              last = body;
              return t
                .http()
                .post('/v1/events')
                .set(brand.auth)
                .send(body)
                .then((r) => {
                  if (r.status >= 500) {
                    throw new Error(`500: ${JSON.stringify(r.body)}`);
                  }
                });
            }),
          );
          for (const m of members) {
            const audit = await ledgerAudit(t, brand.id, m.id);
            expect(audit.available).toBe(audit.availableSum);
            expect(audit.pending).toBe(audit.pendingSum);
            expect(audit.available).toBeGreaterThanOrEqual(0);
            expect(audit.runningMatches).toBe(true);
          }
        }),
        replayable({ numRuns: 15 }),
      );
    });
  });
});
