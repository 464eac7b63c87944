import fc from 'fast-check';
import {
  type Account,
  adjust,
  type Balance,
  credit,
  debit,
  expire,
  mature,
  type Posting,
  post,
  reverse,
} from './posting.js';
import { replayable } from '../../test/support/fast-check.js';

const at = new Date('2026-01-01T00:00:00Z');

describe('post', () => {
  it('adds earned points to available or pending and to lifetime earned', () => {
    const b: Balance = { pointsAvailable: 0, pointsPending: 0, lifetimeEarned: 0 };
    expect(post(b, { kind: 'earn', status: 'available', points: 40, availableAt: at })).toBe(40);
    expect(post(b, { kind: 'earn', status: 'pending', points: 10, availableAt: at })).toBe(50);
    expect(b).toEqual({ pointsAvailable: 40, pointsPending: 10, lifetimeEarned: 50 });
  });

  it('debits without touching lifetime earned', () => {
    const b: Balance = { pointsAvailable: 100, pointsPending: 0, lifetimeEarned: 100 };
    expect(post(b, { kind: 'adjust', status: 'available', points: -30, availableAt: at })).toBe(70);
    expect(b.lifetimeEarned).toBe(100);
  });

  it('refuses zero and fractional points', () => {
    const b: Balance = { pointsAvailable: 0, pointsPending: 0, lifetimeEarned: 0 };
    expect(() => post(b, { kind: 'earn', status: 'available', points: 0, availableAt: at })).toThrow();
    expect(() => post(b, { kind: 'earn', status: 'available', points: 1.5, availableAt: at })).toThrow();
  });

  it('keeps the balance equal to the sum of entries, and balanceAfter a running sum', () => {
    const posting = fc.record({
      kind: fc.constantFrom('earn', 'redeem', 'expire', 'reverse', 'adjust' as const),
      status: fc.constantFrom('pending', 'available' as const),
      points: fc.integer({ min: -10_000, max: 10_000 }).filter((p) => p !== 0),
    });
    fc.assert(
      fc.property(fc.array(posting, { maxLength: 50 }), (postings) => {
        const b: Balance = { pointsAvailable: 0, pointsPending: 0, lifetimeEarned: 0 };
        let running = 0;
        for (const p of postings) {
          running += p.points;
          expect(post(b, { ...(p as Posting), availableAt: at })).toBe(running);
        }
        const sum = (s: string) => postings.filter((p) => p.status === s).reduce((a, p) => a + p.points, 0);
        expect(b.pointsAvailable).toBe(sum('available'));
        expect(b.pointsPending).toBe(sum('pending'));
      }),
      replayable(),
    );
  });
});

describe('posting operations', () => {
  const fresh = (): Account => ({ id: 'm1', pointsAvailable: 0, pointsPending: 0, lifetimeEarned: 0 });

  it('credit answers the finished entry and the new balance', () => {
    const a = fresh();
    const { entry, balance } = credit(a, { id: 'e1', status: 'pending', points: 30, availableAt: at, ruleId: 'r1' });
    expect(entry).toMatchObject({ id: 'e1', memberId: 'm1', kind: 'earn', points: 30, balanceAfter: 30, ruleId: 'r1' });
    expect(balance).toEqual({ pointsAvailable: 0, pointsPending: 30, lifetimeEarned: 30 });
    expect(a).toMatchObject(balance);
  });

  it('debit takes a positive amount and posts it negative, leaving lifetime earned', () => {
    const a = { ...fresh(), pointsAvailable: 100, lifetimeEarned: 100 };
    const { entry, balance } = debit(a, { id: 'e1', kind: 'redeem', status: 'available', points: 40, availableAt: at });
    expect(entry).toMatchObject({ kind: 'redeem', points: -40, balanceAfter: 60 });
    expect(balance).toEqual({ pointsAvailable: 60, pointsPending: 0, lifetimeEarned: 100 });
    expect(() => debit(a, { id: 'e2', kind: 'redeem', status: 'available', points: -1, availableAt: at })).toThrow();
  });

  it('reverse goes either way and never counts as earning; a refund may go below zero', () => {
    const a = { ...fresh(), pointsAvailable: 10, lifetimeEarned: 10 };
    expect(reverse(a, { id: 'e1', status: 'available', points: -25, availableAt: at }).entry).toMatchObject({
      kind: 'reverse',
      points: -25,
      balanceAfter: -15,
    });
    const back = reverse(a, { id: 'e2', status: 'available', points: 25, availableAt: at });
    expect(back.entry.balanceAfter).toBe(10);
    expect(back.balance.lifetimeEarned).toBe(10);
  });

  it('adjust is a credit or a debit of kind adjust', () => {
    const a = fresh();
    expect(adjust(a, { id: 'e1', status: 'available', points: 50, availableAt: at }).entry).toMatchObject({
      kind: 'adjust',
      points: 50,
    });
    const taken = adjust(a, { id: 'e2', status: 'available', points: -20, availableAt: at });
    expect(taken.entry).toMatchObject({ kind: 'adjust', points: -20, balanceAfter: 30 });
    expect(taken.balance).toEqual({ pointsAvailable: 30, pointsPending: 0, lifetimeEarned: 50 });
  });

  it('expire debits available points only', () => {
    const a = { ...fresh(), pointsAvailable: 70, pointsPending: 5 };
    const { entry, balance } = expire(a, { id: 'e1', points: 70, availableAt: at, reason: 'lot x expired' });
    expect(entry).toMatchObject({ kind: 'expire', status: 'available', points: -70, balanceAfter: 5 });
    expect(balance.pointsAvailable).toBe(0);
  });

  it('mature moves pending to available and keeps the total', () => {
    const a = { ...fresh(), pointsPending: 40, pointsAvailable: 10, lifetimeEarned: 50 };
    expect(mature(a, 40)).toEqual({ pointsAvailable: 50, pointsPending: 0, lifetimeEarned: 50 });
    expect(() => mature(a, 0)).toThrow();
  });

  it('keeps the balance the sum of entries by status through any mix of operations', () => {
    const op = fc.record({
      op: fc.constantFrom('credit', 'debit', 'reverse', 'expire', 'adjust', 'mature'),
      status: fc.constantFrom('pending', 'available' as const),
      points: fc.integer({ min: 1, max: 10_000 }),
      negative: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const a = fresh();
        const entries: Array<{ status: string; points: number; balanceAfter: number }> = [];
        for (const [n, o] of ops.entries()) {
          const terms = { id: `e${n}`, status: o.status, points: o.points, availableAt: at };
          if (o.op === 'mature') {
            // the entries' status flips; here: the pending total so far, as the job's query answers it
            const due = entries.filter((e) => e.status === 'pending').reduce((s, e) => s + e.points, 0);
            if (due > 0) {
              mature(a, due);
              entries.filter((e) => e.status === 'pending').forEach((e) => (e.status = 'available'));
            }
            continue;
          }
          const posted =
            o.op === 'credit'
              ? credit(a, terms)
              : o.op === 'debit'
                ? debit(a, { ...terms, kind: 'redeem' })
                : o.op === 'reverse'
                  ? reverse(a, { ...terms, points: o.negative ? -o.points : o.points })
                  : o.op === 'expire'
                    ? expire(a, terms)
                    : adjust(a, { ...terms, points: o.negative ? -o.points : o.points });
          entries.push(posted.entry);
          expect(posted.balance).toEqual({
            pointsAvailable: a.pointsAvailable,
            pointsPending: a.pointsPending,
            lifetimeEarned: a.lifetimeEarned,
          });
        }
        const sum = (s: string) => entries.filter((e) => e.status === s).reduce((t, e) => t + e.points, 0);
        expect(a.pointsAvailable).toBe(sum('available'));
        expect(a.pointsPending).toBe(sum('pending'));
        if (entries.length) {
          expect(entries.at(-1)!.balanceAfter).toBe(a.pointsAvailable + a.pointsPending);
        }
      }),
    );
  });
});
