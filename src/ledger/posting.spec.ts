import fc from 'fast-check';
import { type Balance, type Posting, post } from './posting.js';
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
