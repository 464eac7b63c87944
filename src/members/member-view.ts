import type { MemberView } from './dto/member.dto.js';
import type { Member } from './member.entity.js';

export function toMemberView(m: Member): MemberView {
  return {
    id: m.id,
    externalId: m.externalId,
    email: m.email,
    stage: m.stage,
    tier: m.tier,
    referralCode: m.referralCode,
    walletAddress: m.walletAddress,
    source: m.source,
    enrolledAt: m.enrolledAt.toISOString(),
    balance: { available: m.pointsAvailable, pending: m.pointsPending, lifetimeEarned: m.lifetimeEarned },
  };
}
