import { eligibility, type MemberStanding } from './eligibility.js';
import { type Reward, remainingOf } from './reward.js';

const now = new Date('2026-06-01T12:00:00Z');

function reward(over: Partial<Reward> = {}): Reward {
  return {
    brandId: 'b',
    id: 'r',
    name: 'Coffee',
    description: null,
    kind: 'perk',
    costPoints: 100,
    stock: null,
    redeemed: 0,
    codesUnused: 0,
    perMemberLimit: null,
    stages: [],
    tiers: [],
    contentUrl: null,
    perkText: 'free coffee',
    validFrom: null,
    validUntil: null,
    active: true,
    tokenGateMinBalance: null,
    createdAt: now,
    updatedAt: now,
    ...over,
  };
}
const member = (over: Partial<MemberStanding> = {}): MemberStanding => ({
  stage: 'conversion',
  tier: null,
  pointsAvailable: 100,
  redemptionsOfReward: 0,
  ...over,
});
const reasonOf = (r: Reward, m: MemberStanding) => {
  const v = eligibility(r, m, now);
  return v.redeemable ? 'ok' : v.reason;
};

describe('eligibility', () => {
  it('lets a member with enough points redeem an open reward', () => {
    expect(eligibility(reward(), member(), now)).toEqual({ redeemable: true });
  });

  it('refuses an inactive reward', () => {
    expect(reasonOf(reward({ active: false }), member())).toBe('inactive');
  });

  it('keeps to the validity window [validFrom, validUntil)', () => {
    expect(reasonOf(reward({ validFrom: new Date('2026-06-02T00:00:00Z') }), member())).toBe('not_yet_valid');
    expect(reasonOf(reward({ validFrom: now }), member())).toBe('ok');
    expect(reasonOf(reward({ validUntil: now }), member())).toBe('expired');
    expect(reasonOf(reward({ validUntil: new Date(now.getTime() + 1) }), member())).toBe('ok');
  });

  it('offers a reward only at its stages (empty = every stage)', () => {
    expect(reasonOf(reward({ stages: ['loyalty'] }), member())).toBe('stage_not_eligible');
    expect(reasonOf(reward({ stages: ['conversion', 'loyalty'] }), member())).toBe('ok');
  });

  it('offers a reward only at its tiers; a member without a tier only when tiers is empty', () => {
    expect(reasonOf(reward({ tiers: ['gold'] }), member())).toBe('tier_not_eligible');
    expect(reasonOf(reward({ tiers: ['gold'] }), member({ tier: 'silver' }))).toBe('tier_not_eligible');
    expect(reasonOf(reward({ tiers: ['gold'] }), member({ tier: 'gold' }))).toBe('ok');
    expect(reasonOf(reward(), member({ tier: 'silver' }))).toBe('ok');
  });

  it('refuses when the stock is used up', () => {
    expect(reasonOf(reward({ stock: 1, redeemed: 1 }), member())).toBe('out_of_stock');
    expect(reasonOf(reward({ stock: 0 }), member())).toBe('out_of_stock');
    expect(reasonOf(reward({ stock: 2, redeemed: 1 }), member())).toBe('ok');
  });

  it('refuses a coupon without unused codes, whatever its stock', () => {
    expect(reasonOf(reward({ kind: 'coupon', perkText: null, stock: null, codesUnused: 0 }), member())).toBe(
      'out_of_stock',
    );
    expect(reasonOf(reward({ kind: 'coupon', perkText: null, stock: 10, codesUnused: 1 }), member())).toBe('ok');
  });

  it("counts the member's live redemptions against the per-member limit", () => {
    expect(reasonOf(reward({ perMemberLimit: 2 }), member({ redemptionsOfReward: 2 }))).toBe('per_member_limit');
    expect(reasonOf(reward({ perMemberLimit: 2 }), member({ redemptionsOfReward: 1 }))).toBe('ok');
  });

  it('needs available points of at least the cost (pending points do not count)', () => {
    expect(reasonOf(reward({ costPoints: 101 }), member())).toBe('insufficient_points');
    expect(reasonOf(reward({ costPoints: 100 }), member())).toBe('ok');
  });

  it('answers the first reason that applies, in a fixed order', () => {
    const everythingWrong = reward({
      active: false,
      validUntil: new Date('2020-01-01T00:00:00Z'),
      stages: ['loyalty'],
      tiers: ['gold'],
      stock: 0,
      perMemberLimit: 1,
      costPoints: 1000,
    });
    expect(reasonOf(everythingWrong, member({ redemptionsOfReward: 1 }))).toBe('inactive');
    expect(reasonOf({ ...everythingWrong, active: true }, member())).toBe('expired');
    expect(reasonOf({ ...everythingWrong, active: true, validUntil: null }, member())).toBe('stage_not_eligible');
    expect(reasonOf({ ...everythingWrong, active: true, validUntil: null, stages: [] }, member())).toBe(
      'tier_not_eligible',
    );
    expect(
      reasonOf(
        { ...everythingWrong, active: true, validUntil: null, stages: [], tiers: [] },
        member({ redemptionsOfReward: 1 }),
      ),
    ).toBe('out_of_stock');
    expect(
      reasonOf(
        { ...everythingWrong, active: true, validUntil: null, stages: [], tiers: [], stock: null },
        member({ redemptionsOfReward: 1 }),
      ),
    ).toBe('per_member_limit');
  });
});

describe('remainingOf', () => {
  it('is stock minus live redemptions, never below zero; null when unlimited', () => {
    expect(remainingOf({ kind: 'perk', stock: null, redeemed: 5, codesUnused: 0 })).toBeNull();
    expect(remainingOf({ kind: 'perk', stock: 10, redeemed: 3, codesUnused: 0 })).toBe(7);
    expect(remainingOf({ kind: 'content', stock: 2, redeemed: 5, codesUnused: 0 })).toBe(0);
  });

  it('bounds a coupon by its unused codes', () => {
    expect(remainingOf({ kind: 'coupon', stock: null, redeemed: 0, codesUnused: 4 })).toBe(4);
    expect(remainingOf({ kind: 'coupon', stock: 10, redeemed: 8, codesUnused: 4 })).toBe(2);
    expect(remainingOf({ kind: 'coupon', stock: 10, redeemed: 0, codesUnused: 4 })).toBe(4);
  });

  it('a token gate needs the wallet to hold at least minBalance (in 18-decimal base units); unknown is closed', () => {
    const gated = reward({ tokenGateMinBalance: '10' });
    expect(reasonOf(gated, member({ tokenBalance: 10n * 10n ** 18n - 1n }))).toBe('token_gate');
    expect(reasonOf(gated, member({ tokenBalance: 10n * 10n ** 18n }))).toBe('ok');
    expect(reasonOf(gated, member({ tokenBalance: null }))).toBe('token_gate');
    expect(reasonOf(gated, member())).toBe('token_gate');
    expect(reasonOf(reward({ tokenGateMinBalance: '0.5' }), member({ tokenBalance: 5n * 10n ** 17n }))).toBe('ok');
    // points are checked after the gate
    expect(reasonOf(gated, member({ tokenBalance: 10n ** 20n, pointsAvailable: 0 }))).toBe('insufficient_points');
  });
});
