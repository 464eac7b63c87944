import type { Eligibility } from '../eligibility.js';
import { type Reward, remainingOf } from '../reward.js';
import type { MemberRewardView, RewardView } from './reward.dto.js';

function catalogFields(r: Reward) {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    kind: r.kind,
    costPoints: r.costPoints,
    stock: r.stock,
    remaining: remainingOf(r),
    perMemberLimit: r.perMemberLimit,
    stages: r.stages,
    tiers: r.tiers,
    validFrom: r.validFrom?.toISOString() ?? null,
    validUntil: r.validUntil?.toISOString() ?? null,
    active: r.active,
    ...(r.tokenGateMinBalance === null ? {} : { tokenGate: { minBalance: r.tokenGateMinBalance } }),
  };
}

/** The brand's view: each kind's own field (contentUrl, perkText, unusedCodes) only on that kind. */
export function toRewardView(r: Reward): RewardView {
  return {
    ...catalogFields(r),
    ...(r.kind === 'content' ? { contentUrl: r.contentUrl! } : {}),
    ...(r.kind === 'perk' ? { perkText: r.perkText! } : {}),
    ...(r.kind === 'coupon' ? { unusedCodes: r.codesUnused } : {}),
    redeemed: r.redeemed,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** The member's view: the URL and perk text are what a redemption unlocks, so they stay out. */
export function toMemberRewardView(r: Reward, verdict: Eligibility): MemberRewardView {
  return {
    ...catalogFields(r),
    redeemable: verdict.redeemable,
    ...(verdict.redeemable ? {} : { reason: verdict.reason }),
  };
}
