import type { Member } from './member.entity.js';

/** The columns every member query selects, and their mapping to a Member. */
export const MEMBER_COLUMNS = `brand_id, id, external_id, email, stage, tier, referral_code, wallet_address, source, enrolled_at,
  purchase_count, referral_count, last_purchase_at, referred_by, points_available, points_pending, lifetime_earned`;

export function toMember(r: Record<string, unknown>): Member {
  return {
    brandId: r.brand_id as string,
    id: r.id as string,
    externalId: r.external_id as string,
    email: (r.email as string | null) ?? null,
    stage: r.stage as string,
    tier: (r.tier as string | null) ?? null,
    referralCode: r.referral_code as string,
    walletAddress: (r.wallet_address as string | null) ?? null,
    source: r.source as string,
    enrolledAt: r.enrolled_at as Date,
    purchaseCount: Number(r.purchase_count),
    referralCount: Number(r.referral_count),
    lastPurchaseAt: (r.last_purchase_at as Date | null) ?? null,
    referredBy: (r.referred_by as string | null) ?? null,
    // bigint arrives as a string; balances stay far below 2^53
    pointsAvailable: Number(r.points_available),
    pointsPending: Number(r.points_pending),
    lifetimeEarned: Number(r.lifetime_earned),
  };
}
