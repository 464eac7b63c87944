import type { Member } from '../member.entity.js';
import type { MemberBalanceView, MemberView } from './member.dto.js';

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
    balance: toMemberBalanceView(m),
  };
}

export function toMemberBalanceView(m: Member): MemberBalanceView {
  return { available: m.pointsAvailable, pending: m.pointsPending, lifetimeEarned: m.lifetimeEarned };
}
