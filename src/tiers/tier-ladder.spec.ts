import { multiplierOf, rankOf, tierFor, type TierLadder } from './tier-ladder.js';

const ladder: TierLadder = {
  windowDays: 365,
  tiers: [
    { key: 'silver', name: 'Silver', threshold: 500, multiplier: 1.25 },
    { key: 'gold', name: 'Gold', threshold: 2000, multiplier: 1.5 },
  ],
};

describe('tier ladder', () => {
  it('finds the highest tier reached', () => {
    expect(tierFor(0, ladder)).toBeNull();
    expect(tierFor(499, ladder)).toBeNull();
    expect(tierFor(500, ladder)).toBe('silver');
    expect(tierFor(1999, ladder)).toBe('silver');
    expect(tierFor(10_000, ladder)).toBe('gold');
  });
  it('knows multipliers and ranks', () => {
    expect(multiplierOf('gold', ladder)).toBe(1.5);
    expect(multiplierOf(null, ladder)).toBe(1);
    expect(multiplierOf('retired', ladder)).toBe(1);
    expect(rankOf('gold', ladder)).toBeGreaterThan(rankOf('silver', ladder));
    expect(rankOf(null, ladder)).toBe(-1);
  });
});
