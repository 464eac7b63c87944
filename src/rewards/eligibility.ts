import { type Reward, remainingOf } from './reward.js';

/** Why a member cannot redeem a reward, checked in this order (the first that applies is answered). */
export const INELIGIBILITY_REASONS = [
  'inactive',
  'not_yet_valid',
  'expired',
  'stage_not_eligible',
  'tier_not_eligible',
  'out_of_stock',
  'per_member_limit',
  'insufficient_points',
] as const;
export type IneligibilityReason = (typeof INELIGIBILITY_REASONS)[number];

export type Eligibility = { redeemable: true } | { redeemable: false; reason: IneligibilityReason };

export interface MemberStanding {
  stage: string;
  tier: string | null;
  /** Spendable points: pending points are still inside their return window. */
  pointsAvailable: number;
  /** The member's live (not cancelled) redemptions of this reward. */
  redemptionsOfReward: number;
}

type RewardTerms = Pick<
  Reward,
  | 'active'
  | 'validFrom'
  | 'validUntil'
  | 'stages'
  | 'tiers'
  | 'costPoints'
  | 'perMemberLimit'
  | 'kind'
  | 'stock'
  | 'redeemed'
  | 'codesUnused'
>;

/**
 * May this member redeem this reward now? The catalog (/v1/me/rewards) and the redemption
 * itself both ask here, so what the app shows and what the server enforces never differ.
 * The validity window is [validFrom, validUntil).
 */
export function eligibility(reward: RewardTerms, member: MemberStanding, now: Date): Eligibility {
  const no = (reason: IneligibilityReason): Eligibility => ({ redeemable: false, reason });
  if (!reward.active) {
    return no('inactive');
  }
  if (reward.validFrom && now < reward.validFrom) {
    return no('not_yet_valid');
  }
  if (reward.validUntil && now >= reward.validUntil) {
    return no('expired');
  }
  if (reward.stages.length > 0 && !reward.stages.includes(member.stage)) {
    return no('stage_not_eligible');
  }
  if (reward.tiers.length > 0 && (member.tier === null || !reward.tiers.includes(member.tier))) {
    return no('tier_not_eligible');
  }
  const remaining = remainingOf(reward);
  if (remaining !== null && remaining <= 0) {
    return no('out_of_stock');
  }
  if (reward.perMemberLimit !== null && member.redemptionsOfReward >= reward.perMemberLimit) {
    return no('per_member_limit');
  }
  if (member.pointsAvailable < reward.costPoints) {
    return no('insufficient_points');
  }
  return { redeemable: true };
}
