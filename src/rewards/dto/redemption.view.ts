import { toMemberBalanceView } from '../../members/dto/member.view.js';
import type { Member } from '../../members/member.entity.js';
import type { Redemption } from '../redemption.js';
import type { RedemptionResultView, RedemptionView } from './redemption.dto.js';

export function toRedemptionView(r: Redemption): RedemptionView {
  return {
    id: r.id,
    rewardId: r.rewardId,
    memberId: r.memberId,
    kind: r.kind,
    status: r.status,
    costPoints: r.costPoints,
    ...(r.code !== null ? { code: r.code } : {}),
    ...(r.contentUrl !== null ? { contentUrl: r.contentUrl } : {}),
    ...(r.perkText !== null ? { perkText: r.perkText } : {}),
    ledgerEntryId: r.ledgerEntryId,
    cancelLedgerEntryId: r.cancelLedgerEntryId,
    createdAt: r.createdAt.toISOString(),
    cancelledAt: r.cancelledAt?.toISOString() ?? null,
  };
}

export function toRedemptionResultView(r: Redemption, m: Member): RedemptionResultView {
  return {
    ...toRedemptionView(r),
    balance: toMemberBalanceView(m),
  };
}
