import fc from 'fast-check';
import request from 'supertest';
import { createBrand, createMember, createRule, event, type TestBrand, type TestMember } from '../support/factories.js';
import { checkedAgainst, type TestApp } from '../support/test-app.js';
import { balanceFaults, doubleAwards, type Query } from './support/db-checks.js';
import { startListeningApp } from './support/listening-app.js';
import { replayable } from '../support/fast-check.js';

/**
 * Limits hold under bursts (DESIGN §3: "Limits are enforced exactly, also when many events of one
 * member arrive at once"): per-member count, per-member points, cooldown and a rule's global
 * budget, with events of several members arriving at once through POST /v1/events and
 * POST /v1/events/batch together. Capped awards make every total order-independent, so each
 * is asserted exactly: never over, and not under either.
 */
describe('reliability: limits under bursts (e2e)', () => {
  let t: TestApp;
  let base: string;
  let query: Query;

  beforeAll(async () => {
    ({ t, base, query } = await startListeningApp());
  }, 30_000);
  afterAll(async () => {
    await t?.close();
  }, 30_000);

  // Held to the OpenAPI document like t.http() is.
  const http = () => checkedAgainst(t.contract, request(base));

  interface Limits {
    count: number;
    points: number;
    budget: number;
    cooldown: boolean;
  }

  /** Four rules, one per limit kind, each on its own event type. */
  async function limitedBrand(l: Limits) {
    const brand = await createBrand(t);
    const rules = {
      share: await createRule(t, brand, {
        name: 'Count',
        event: 'share',
        reward: { points: { fixed: 10 } },
        limits: { perMember: { count: l.count, period: 'day' } },
      }),
      purchase: await createRule(t, brand, {
        name: 'Points',
        event: 'purchase',
        reward: { points: { perUnit: { fact: 'event.amount', rate: 1, rounding: 'floor' } } },
        limits: { perMember: { points: l.points, period: 'week' } },
      }),
      checkin: await createRule(t, brand, {
        name: 'Cooldown',
        event: 'checkin',
        reward: { points: { fixed: 5 } },
        limits: { cooldownSeconds: l.cooldown ? 3600 : 0 },
      }),
      content: await createRule(t, brand, {
        name: 'Budget',
        event: 'content',
        reward: { points: { fixed: 7 } },
        limits: { budgetPoints: l.budget },
      }),
    };
    return { brand, rules };
  }

  type Kind = 'share' | 'purchase' | 'checkin' | 'content';
  interface Planned {
    member: number;
    kind: Kind;
    amount: number;
    viaBatch: boolean;
  }

  /**
   * Sends the whole workload at once: single events concurrently with batch calls (a batch holds
   * events of several members). Every event carries the same occurredAt, so the day/week periods
   * cannot roll over mid-burst and the cooldown compares equal instants.
   */
  async function burst(brand: TestBrand, members: TestMember[], plan: Planned[], batchSize: number) {
    const occurredAt = new Date(Date.now() - 60_000).toISOString();
    const bodies = plan.map((p) => ({
      ...event(members[p.member], p.kind, p.kind === 'purchase' ? { amount: String(p.amount) } : {}),
      occurredAt,
    }));
    const singles = plan.map((p, i) => (p.viaBatch ? null : i)).filter((i): i is number => i !== null);
    const batched = plan.map((p, i) => (p.viaBatch ? i : null)).filter((i): i is number => i !== null);
    const batches: number[][] = [];
    for (let i = 0; i < batched.length; i += batchSize) {
      batches.push(batched.slice(i, i + batchSize));
    }

    const statuses: Array<{ index: number; status: number; points: number; body: unknown }> = [];
    const pointsOf = (result: { effects?: Array<{ type: string; points?: number }> } | undefined) =>
      (result?.effects ?? []).filter((e) => e.type === 'points').reduce((a, e) => a + (e.points ?? 0), 0);
    await Promise.all([
      ...singles.map(async (i) => {
        const res = await http().post('/v1/events').set(brand.auth).send(bodies[i]);
        statuses.push({ index: i, status: res.status, points: pointsOf(res.body), body: res.body });
      }),
      ...batches.map(async (indexes) => {
        const res = await http()
          .post('/v1/events/batch')
          .set(brand.auth)
          .send({ events: indexes.map((i) => bodies[i]) });
        if (res.status !== 200) {
          throw new Error(`batch answered ${res.status}: ${JSON.stringify(res.body)}`);
        }
        res.body.results.forEach(
          (r: { status: number; result?: { effects: Array<{ type: string; points?: number }> } }, n: number) =>
            statuses.push({ index: indexes[n], status: r.status, points: pointsOf(r.result), body: r }),
        );
      }),
    ]);
    return statuses;
  }

  /** Ledger totals per member and rule, from the database. */
  async function awarded(brand: TestBrand) {
    const rows = await query(
      `SELECT member_id, rule_id, count(*)::int AS n, sum(points)::int AS points FROM ledger_entries WHERE brand_id = $1 GROUP BY member_id, rule_id`,
      [brand.id],
    );
    return (memberId: string | null, ruleId: string) => {
      const hits = rows.filter((r) => r.rule_id === ruleId && (memberId === null || r.member_id === memberId));
      return {
        entries: hits.reduce((a, r) => a + Number(r.n), 0),
        points: hits.reduce((a, r) => a + Number(r.points), 0),
      };
    };
  }

  /** What exact enforcement gives, whatever order the events were applied in. */
  function expected(plan: Planned[], l: Limits, memberCount: number) {
    const perMember = Array.from({ length: memberCount }, (_, m) => {
      const mine = plan.filter((p) => p.member === m);
      const shares = mine.filter((p) => p.kind === 'share').length;
      const spent = mine.filter((p) => p.kind === 'purchase').reduce((a, p) => a + p.amount, 0);
      const checkins = mine.filter((p) => p.kind === 'checkin').length;
      return {
        share: { entries: Math.min(l.count, shares), points: 10 * Math.min(l.count, shares) },
        purchasePoints: Math.min(l.points, spent),
        checkin: { entries: l.cooldown ? Math.min(1, checkins) : checkins },
      };
    });
    const contents = plan.filter((p) => p.kind === 'content').length;
    return { perMember, budget: Math.min(l.budget, 7 * contents) };
  }

  async function verify(
    brand: TestBrand,
    rules: Awaited<ReturnType<typeof limitedBrand>>['rules'],
    members: TestMember[],
    plan: Planned[],
    l: Limits,
    statuses: Awaited<ReturnType<typeof burst>>,
  ) {
    expect(
      statuses.filter((s) => s.status !== 201).map((s) => ({ index: s.index, status: s.status, body: s.body })),
    ).toEqual([]);
    const want = expected(plan, l, members.length);
    const got = await awarded(brand);
    const actual = members.map((m) => ({
      share: got(m.id, rules.share.id),
      purchasePoints: got(m.id, rules.purchase.id).points,
      checkin: { entries: got(m.id, rules.checkin.id).entries },
    }));
    expect(actual).toEqual(want.perMember);
    expect(got(null, rules.content.id).points).toBe(want.budget);
    const [rule] = await query('SELECT budget_spent FROM rules WHERE brand_id = $1 AND id = $2', [
      brand.id,
      rules.content.id,
    ]);
    expect(Number(rule.budget_spent)).toBe(want.budget);

    // what the answers said was awarded is what the ledger holds
    const answered = statuses.reduce((a, s) => a + s.points, 0);
    const [ledger] = await query(
      'SELECT coalesce(sum(points), 0)::int AS points FROM ledger_entries WHERE brand_id = $1',
      [brand.id],
    );
    expect(answered).toBe(Number(ledger.points));
    expect(await doubleAwards(query, brand.id)).toEqual([]);
    expect(await balanceFaults(query, brand.id)).toEqual([]);
  }

  it('a burst of 6 members × 4 limited rules through singles and batches at once never goes over (or under) a limit', async () => {
    const limits: Limits = { count: 3, points: 100, budget: 100, cooldown: true };
    const { brand, rules } = await limitedBrand(limits);
    const members = await Promise.all(Array.from({ length: 6 }, () => createMember(t, brand)));
    const plan: Planned[] = [];
    members.forEach((_, m) => {
      for (let i = 0; i < 8; i++) {
        plan.push({ member: m, kind: 'share', amount: 0, viaBatch: i % 2 === 0 });
        plan.push({ member: m, kind: 'purchase', amount: 30, viaBatch: i % 2 === 1 });
        plan.push({ member: m, kind: 'checkin', amount: 0, viaBatch: i % 3 === 0 });
        if (i < 4) {
          plan.push({ member: m, kind: 'content', amount: 0, viaBatch: i % 2 === 0 });
        }
      }
    });
    const statuses = await burst(brand, members, plan, 12);
    await verify(brand, rules, members, plan, limits, statuses);
    // the numbers behind the generic check, spelled out once
    const got = await awarded(brand);
    for (const m of members) {
      expect(got(m.id, rules.share.id)).toEqual({ entries: 3, points: 30 });
      expect(got(m.id, rules.purchase.id).points).toBe(100);
      expect(got(m.id, rules.checkin.id)).toEqual({ entries: 1, points: 5 });
    }
    expect(got(null, rules.content.id).points).toBe(100);
  }, 30_000);

  it('random limits and random concurrent workloads (singles and batches mixed) are enforced exactly', async () => {
    const limitsArb = fc.record({
      count: fc.integer({ min: 1, max: 5 }),
      points: fc.integer({ min: 10, max: 200 }),
      budget: fc.integer({ min: 5, max: 150 }),
      cooldown: fc.boolean(),
    });
    const workloadArb = fc.integer({ min: 2, max: 5 }).chain((memberCount) =>
      fc.record({
        memberCount: fc.constant(memberCount),
        batchSize: fc.integer({ min: 1, max: 15 }),
        plan: fc.array(
          fc.record({
            member: fc.integer({ min: 0, max: memberCount - 1 }),
            kind: fc.constantFrom<Kind>('share', 'purchase', 'checkin', 'content'),
            amount: fc.integer({ min: 0, max: 80 }),
            viaBatch: fc.boolean(),
          }),
          { minLength: 10, maxLength: 60 },
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(limitsArb, workloadArb, async (limits, { memberCount, batchSize, plan }) => {
        const { brand, rules } = await limitedBrand(limits);
        const members = await Promise.all(Array.from({ length: memberCount }, () => createMember(t, brand)));
        const statuses = await burst(brand, members, plan, batchSize);
        await verify(brand, rules, members, plan, limits, statuses);
      }),
      replayable({ numRuns: 15, endOnFailure: true }),
    );
  }, 60_000);

  it('concurrent debits never take a balance below zero', async () => {
    const brand = await createBrand(t);
    const member = await createMember(t, brand);
    await http()
      .post(`/v1/members/${member.id}/adjustments`)
      .set(brand.auth)
      .send({ points: 100, reason: 'seed' })
      .expect(201);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        http().post(`/v1/members/${member.id}/adjustments`).set(brand.auth).send({ points: -30, reason: 'burst' }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(3).fill(201), ...Array(17).fill(409)]);
    const [m] = await query('SELECT points_available FROM members WHERE brand_id = $1 AND id = $2', [
      brand.id,
      member.id,
    ]);
    expect(Number(m.points_available)).toBe(10);
    expect(await balanceFaults(query, brand.id)).toEqual([]);
  }, 30_000);
});
