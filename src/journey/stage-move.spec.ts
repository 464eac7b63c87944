import { advance, builtInTarget } from './stage-move.js';

const stages = ['awareness', 'consideration', 'conversion', 'retention', 'loyalty'];
const on = { firstPurchase: true, secondPurchase: true, referralMade: true };

describe('journey moves', () => {
  it('moves on first and second purchase and on a referral made', () => {
    expect(builtInTarget('purchase', 1, on, stages)).toBe('conversion');
    expect(builtInTarget('purchase', 2, on, stages)).toBe('retention');
    expect(builtInTarget('purchase', 3, on, stages)).toBeNull();
    expect(builtInTarget('referral', 0, on, stages)).toBe('loyalty');
    expect(builtInTarget('share', 0, on, stages)).toBeNull();
  });
  it('respects the brand switches and its stage list', () => {
    expect(builtInTarget('purchase', 1, { ...on, firstPurchase: false }, stages)).toBeNull();
    expect(builtInTarget('purchase', 2, { ...on, secondPurchase: false }, stages)).toBeNull();
    expect(builtInTarget('purchase', 1, on, ['awareness', 'consideration', 'purchase', 'retention'])).toBeNull();
  });
  it('goes forward only, skipping stages when it must', () => {
    expect(advance('awareness', 'retention', stages)).toBe('retention');
    expect(advance('loyalty', 'conversion', stages)).toBe('loyalty');
    expect(advance('conversion', 'nowhere', stages)).toBe('conversion');
  });
});
