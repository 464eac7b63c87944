import type { Referral } from '../referrals.repository.js';
import type { ReferralView } from './referral.dto.js';

export function toReferralView(r: Referral): ReferralView {
  return {
    id: r.id,
    referrerId: r.referrerId,
    refereeId: r.refereeId,
    code: r.code,
    status: r.status,
    reason: r.reason,
    createdAt: r.createdAt.toISOString(),
    qualifiedAt: r.qualifiedAt?.toISOString() ?? null,
    rewardedAt: r.rewardedAt?.toISOString() ?? null,
  };
}
