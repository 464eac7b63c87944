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
  'token_gate',
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
  /** The wallet's token balance in base units (18 decimals); null when unknown (no chain, or unreadable). */
  tokenBalance?: bigint | null;
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
  | 'tokenGateMinBalance'
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
  if (reward.tokenGateMinBalance !== null) {
    const held = member.tokenBalance ?? null;
    if (held === null || held < baseUnits(reward.tokenGateMinBalance)) {
      return no('token_gate');
    }
  }
  if (member.pointsAvailable < reward.costPoints) {
    return no('insufficient_points');
  }
  return { redeemable: true };
}

/** "10.5" whole tokens → base units at 18 decimals. */
export function baseUnits(amount: string): bigint {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole) * 10n ** 18n + BigInt((fraction + '0'.repeat(18)).slice(0, 18));
}

/** Whether any of these rewards needs the member's token balance (a read on chain). */
export function needsTokenBalance(rewards: Array<{ tokenGateMinBalance: string | null }>): boolean {
  return rewards.some((r) => r.tokenGateMinBalance !== null);
}
