/**
 * The middle tier: the event path's repositories and pipeline called directly on a fresh
 * database (no HTTP in between, except to set brands up), with the ledger invariant checked
 * after each case: each member's balance is the sum of their entries by status, and each
 * entry's balance_after is the running total in seq order.
 */
import { jest } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { AuthenticatedBrand } from '../../src/brands/authenticated-brand.js';
import { BrandsService } from '../../src/brands/brands.service.js';
import { newId } from '../../src/common/ids.js';
import { EffectsWriteRepository } from '../../src/events/effects-write.repository.js';
import { parseEventInput, type EventInput } from '../../src/events/event-input.js';
import type { EventOutcome } from '../../src/events/event-outcome.js';
import { EventPipeline } from '../../src/events/event-pipeline.js';
import { LedgerRepository } from '../../src/ledger/ledger.repository.js';
import { credit, debit, reverse } from '../../src/ledger/posting.js';
import { MembersRepository } from '../../src/members/members.repository.js';
import { createBrand, createMember, createRule, event, type TestBrand } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('event write path (medium)', () => {
  let t: TestApp;
  let db: DataSource;
  let pipeline: EventPipeline;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    pipeline = t.app.get(EventPipeline);
  });
  afterAll(() => t.close());

  /** The brand as the pipeline sees it (read again after its settings or rules change). */
  const seen = (brand: TestBrand): Promise<AuthenticatedBrand> => t.app.get(BrandsService).authenticate(brand.key);

  function input(member: { id?: string; externalId?: string }, type: string, attributes = {}): EventInput {
    const parsed = parseEventInput(event(member, type, attributes), new Date(), true);
    if (!parsed.ok) {
      throw new Error(JSON.stringify(parsed.errors));
    }
    return parsed.input;
  }

  function applied(o: EventOutcome) {
    if ('error' in o) {
      throw new Error(`refused: ${o.error.code} ${o.error.message}`);
    }
    return o.result;
  }

  /** The invariant, for every member of the brand. */
  async function expectLedgerInvariant(brandId: string): Promise<void> {
    const rows: Array<Record<string, string>> = await db.query(
      `SELECT m.id, m.points_available, m.points_pending,
              (SELECT coalesce(sum(points), 0) FROM ledger_entries l
                WHERE l.brand_id = m.brand_id AND l.member_id = m.id AND l.status = 'available') AS available_sum,
              (SELECT coalesce(sum(points), 0) FROM ledger_entries l
                WHERE l.brand_id = m.brand_id AND l.member_id = m.id AND l.status = 'pending') AS pending_sum,
              (SELECT count(*) FROM (SELECT balance_after, sum(points) OVER (ORDER BY seq) AS running FROM ledger_entries l
                WHERE l.brand_id = m.brand_id AND l.member_id = m.id) x WHERE x.balance_after <> x.running) AS off_running
         FROM members m WHERE m.brand_id = $1`,
      [brandId],
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect({ id: r.id, available: Number(r.points_available), pending: Number(r.points_pending), off: 0 }).toEqual({
        id: r.id,
        available: Number(r.available_sum),
        pending: Number(r.pending_sum),
        off: Number(r.off_running),
      });
    }
  }

  it('a list with a referral: the referee earns, the referrer is rewarded in the same transaction', async () => {
    const brand = await createBrand(t);
    await createRule(t, brand, { name: 'Buy', event: 'purchase', reward: { points: { fixed: 10 } } });
    await createRule(t, brand, { name: 'Referral', event: 'referral', reward: { points: { fixed: 50 } } });
    const ann = await createMember(t, brand);
    const bob = await createMember(t, brand, { referralCode: ann.referralCode });
    const other = await createMember(t, brand);

    const outcomes = await pipeline.apply(await seen(brand), [
      input(other, 'purchase', { amount: '5' }),
      input(bob, 'purchase', { amount: '30' }),
      input(bob, 'purchase', { amount: '30' }),
    ]);
    const effects = outcomes.map((o) => applied(o).effects);
    expect(effects[1]).toContainEqual(expect.objectContaining({ type: 'referral', referrerId: ann.id }));
    expect(effects[2].some((e) => e.type === 'referral')).toBe(false);

    const [referral] = await db.query(
      `SELECT status, referral_event_id FROM referrals WHERE brand_id = $1 AND referee_id = $2`,
      [brand.id, bob.id],
    );
    expect(referral.status).toBe('rewarded');
    const [made] = await db.query(
      `SELECT type, member_id, origin, result FROM events WHERE brand_id = $1 AND id = $2`,
      [brand.id, referral.referral_event_id],
    );
    expect(made).toMatchObject({ type: 'referral', member_id: ann.id, origin: 'engine' });
    expect(made.result.member.balance.available).toBe(50);
    await expectLedgerInvariant(brand.id);
  });

  it('a refund of a purchase in the same list takes its points back and spends the lot the list opened', async () => {
    const brand = await createBrand(t);
    await createRule(t, brand, {
      name: 'Per euro',
      event: 'purchase',
      reward: { points: { perUnit: { fact: 'event.amount', rate: 1, rounding: 'floor' } } },
    });
    const ann = await createMember(t, brand);
    const [buy, refund] = await pipeline.apply(await seen(brand), [
      input(ann, 'purchase', { amount: '40', orderId: 'o-1' }),
      input(ann, 'refund', { amount: '40', orderId: 'o-1' }),
    ]);
    expect(applied(buy).effects).toContainEqual(expect.objectContaining({ type: 'points', points: 40 }));
    expect(applied(refund).effects).toContainEqual(expect.objectContaining({ type: 'reversal', points: -40 }));
    expect(applied(refund).member.balance.available).toBe(0);
    const lots = await db.query(
      `SELECT kind, lot_remaining FROM ledger_entries WHERE brand_id = $1 AND member_id = $2 ORDER BY seq`,
      [brand.id, ann.id],
    );
    expect(lots).toEqual([
      { kind: 'earn', lot_remaining: '0' },
      { kind: 'reverse', lot_remaining: null },
    ]);
    await expectLedgerInvariant(brand.id);
  });

  it('a tier change: the upgrade is written with the member state and the tier history', async () => {
    const brand = await createBrand(t);
    await t
      .http()
      .put('/v1/brand/tiers')
      .set(brand.auth)
      .send({ windowDays: null, tiers: [{ key: 'silver', name: 'Silver', threshold: 100, multiplier: 1 }] })
      .expect(200);
    await createRule(t, brand, {
      name: 'Per euro',
      event: 'purchase',
      reward: { points: { perUnit: { fact: 'event.amount', rate: 1, rounding: 'floor' } } },
    });
    const ann = await createMember(t, brand);
    const [first, second] = await pipeline.apply(await seen(brand), [
      input(ann, 'purchase', { amount: '60' }),
      input(ann, 'purchase', { amount: '60' }),
    ]);
    expect(applied(first).effects.some((e) => e.type === 'tier')).toBe(false);
    expect(applied(second).effects).toContainEqual({ type: 'tier', from: null, to: 'silver' });
    const [member] = await db.query(`SELECT tier FROM members WHERE brand_id = $1 AND id = $2`, [brand.id, ann.id]);
    expect(member.tier).toBe('silver');
    const history = await db.query(`SELECT from_tier, to_tier, cause FROM tier_changes WHERE brand_id = $1`, [
      brand.id,
    ]);
    expect(history).toEqual([{ from_tier: null, to_tier: 'silver', cause: 'upgrade' }]);
    await expectLedgerInvariant(brand.id);
  });

  it('a budget: one list never spends past it, and the counter is what the entries earned', async () => {
    const brand = await createBrand(t);
    const rule = await createRule(t, brand, {
      name: 'Launch',
      event: 'purchase',
      reward: { points: { fixed: 30 } },
      limits: { budgetPoints: 100 },
    });
    const members = [];
    for (let i = 0; i < 5; i++) {
      members.push(await createMember(t, brand));
    }
    const outcomes = await pipeline.apply(
      await seen(brand),
      members.map((m) => input(m, 'purchase', { amount: '10' })),
    );
    const awarded = outcomes.flatMap((o) => applied(o).effects).filter((e) => e.type === 'points');
    const [counter] = await db.query(`SELECT budget_spent FROM rules WHERE brand_id = $1 AND id = $2`, [
      brand.id,
      rule.id,
    ]);
    const [earned] = await db.query(
      `SELECT coalesce(sum(points), 0) AS points FROM ledger_entries WHERE brand_id = $1 AND rule_id = $2`,
      [brand.id, rule.id],
    );
    // the budget runs out inside the list: the last award is what is left, then nothing
    expect(awarded.map((e) => (e.type === 'points' ? e.points : 0))).toEqual([30, 30, 30, 10]);
    expect(Number(counter.budget_spent)).toBe(100);
    expect(Number(earned.points)).toBe(100);
    await expectLedgerInvariant(brand.id);
  });

  it('EffectsWriteRepository writes every fragment of a hand-made write in one go', async () => {
    const brand = await createBrand(t);
    const ann = await createMember(t, brand);
    await db.transaction(async (em) => {
      const [member] = await t.app.get(MembersRepository).lock(em, brand.id, [ann.id], []);
      const now = new Date();
      const earn = credit(member, { id: newId(), status: 'available', points: 25, availableAt: now });
      const take = debit(member, { id: newId(), kind: 'redeem', status: 'available', points: 5, availableAt: now });
      member.stage = 'active';
      member.tier = 'silver';
      await t.app.get(EffectsWriteRepository).write(em, brand.id, {
        entries: [earn.entry, take.entry],
        members: [member],
        stageChanges: [
          { id: newId(), memberId: member.id, from: 'new', to: 'active', eventId: null, ruleId: null, cause: 'rule' },
        ],
        usage: [],
        budgetSpent: new Map(),
        mints: [],
        results: [],
        engineEvents: [],
        tierChanges: [{ id: newId(), memberId: member.id, from: null, to: 'silver', eventId: null, cause: 'upgrade' }],
        referrals: [],
      });
    });
    const [m] = await db.query(`SELECT stage, tier, points_available FROM members WHERE brand_id = $1 AND id = $2`, [
      brand.id,
      ann.id,
    ]);
    expect(m).toEqual({ stage: 'active', tier: 'silver', points_available: '20' });
    const lots = await db.query(
      `SELECT points, lot_remaining FROM ledger_entries WHERE brand_id = $1 AND member_id = $2 ORDER BY seq`,
      [brand.id, ann.id],
    );
    // the debit spent the credit written in the same write
    expect(lots).toEqual([
      { points: '25', lot_remaining: '20' },
      { points: '-5', lot_remaining: null },
    ]);
    const [counts] = await db.query(
      `SELECT (SELECT count(*)::int FROM stage_changes WHERE brand_id = $1 AND member_id = $2 AND cause = 'rule') AS stages,
              (SELECT count(*)::int FROM tier_changes WHERE brand_id = $1 AND member_id = $2) AS tiers`,
      [brand.id, ann.id],
    );
    expect(counts).toEqual({ stages: 1, tiers: 1 });
    await expectLedgerInvariant(brand.id);
  });

  it('LedgerRepository: a debit answers the lots it spent, and restoring gives them back', async () => {
    const brand = await createBrand(t);
    const ann = await createMember(t, brand);
    const ledger = t.app.get(LedgerRepository);
    const members = t.app.get(MembersRepository);
    const soon = new Date(Date.now() + 86_400_000);
    const later = new Date(Date.now() + 30 * 86_400_000);
    const { first, spent } = await db.transaction(async (em) => {
      const [member] = await members.lock(em, brand.id, [ann.id], []);
      const now = new Date();
      const a = credit(member, { id: newId(), status: 'available', points: 10, availableAt: now, expiresAt: later });
      const b = credit(member, { id: newId(), status: 'available', points: 10, availableAt: now, expiresAt: soon });
      await ledger.insert(em, brand.id, [a.entry, b.entry]);
      const d = debit(member, { id: newId(), kind: 'redeem', status: 'available', points: 15, availableAt: now });
      const used = await ledger.insert(em, brand.id, [d.entry]);
      await members.saveStates(em, brand.id, [member]);
      return { first: [a.entry.id, b.entry.id], spent: used };
    });
    // soonest-expiring first
    expect(spent.sort((x, y) => x.points - y.points)).toEqual([
      { lotId: first[0], points: 5 },
      { lotId: first[1], points: 10 },
    ]);
    await expectLedgerInvariant(brand.id);

    await db.transaction(async (em) => {
      const [member] = await members.lock(em, brand.id, [ann.id], []);
      const back = reverse(member, { id: newId(), status: 'available', points: 15, availableAt: new Date() });
      await ledger.insertRestoring(em, brand.id, back.entry, spent);
      await members.saveStates(em, brand.id, [member]);
    });
    const lots = await db.query(
      `SELECT points, lot_remaining FROM ledger_entries WHERE brand_id = $1 AND member_id = $2 ORDER BY seq`,
      [brand.id, ann.id],
    );
    expect(lots).toEqual([
      { points: '10', lot_remaining: '10' },
      { points: '10', lot_remaining: '10' },
      { points: '-15', lot_remaining: null },
      { points: '15', lot_remaining: null },
    ]);
    await expectLedgerInvariant(brand.id);
  });

  it('a referral made while the list is locking: the guarded rerun locks the referrer in order', async () => {
    const brand = await createBrand(t);
    await createRule(t, brand, { name: 'Referral', event: 'referral', reward: { points: { fixed: 50 } } });
    const ann = await createMember(t, brand);
    await new Promise((r) => setTimeout(r, 5)); // uuid v7: carl's id sorts after ann's
    const carl = await createMember(t, brand);
    expect(ann.id < carl.id).toBe(true);

    // Another transaction refers carl and holds his row: the pipeline's lock statement reads
    // (no referral yet), then waits for the row, then sees the referral once this commits.
    const other = new pg.Client({ connectionString: t.db.url });
    await other.connect();
    const attempts = jest.spyOn(pipeline as unknown as { applyOnce: () => Promise<unknown> }, 'applyOnce');
    try {
      await other.query('BEGIN');
      await other.query(`UPDATE members SET referred_by = $3 WHERE brand_id = $1 AND id = $2`, [
        brand.id,
        carl.id,
        ann.id,
      ]);
      await other.query(
        `INSERT INTO referrals (brand_id, id, referrer_id, referee_id, code, status) VALUES ($1, $2, $3, $4, $5, 'pending')`,
        [brand.id, newId(), ann.id, carl.id, ann.referralCode],
      );
      const applying = pipeline.apply(await seen(brand), [input(carl, 'purchase', { amount: '30' })]);
      for (let waited = 0; ; waited++) {
        const {
          rows: [w],
        } = await other.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (w.n > 0) {
          break;
        }
        if (waited > 600) {
          throw new Error('the pipeline never waited for the row');
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      await other.query('COMMIT');
      const [outcome] = await applying;
      expect(applied(outcome).effects).toContainEqual(
        expect.objectContaining({ type: 'referral', referrerId: ann.id }),
      );
      expect(attempts).toHaveBeenCalledTimes(2);
    } finally {
      attempts.mockRestore();
      await other.end();
    }
    const [m] = await db.query(`SELECT points_available FROM members WHERE brand_id = $1 AND id = $2`, [
      brand.id,
      ann.id,
    ]);
    expect(Number(m.points_available)).toBe(50);
    await expectLedgerInvariant(brand.id);
  });
});
