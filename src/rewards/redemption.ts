import type { RewardKind } from './reward.js';

export const REDEMPTION_STATUSES = ['completed', 'cancelled'] as const;
export type RedemptionStatus = (typeof REDEMPTION_STATUSES)[number];

/** A redemption row. What the member got (code, URL, perk text) is copied from the reward at the time. */
export interface Redemption {
  brandId: string;
  id: string;
  memberId: string;
  rewardId: string;
  kind: RewardKind;
  status: RedemptionStatus;
  idempotencyKey: string;
  requestHash: string;
  costPoints: number;
  codeId: string | null;
  code: string | null;
  contentUrl: string | null;
  perkText: string | null;
  ledgerEntryId: string;
  cancelLedgerEntryId: string | null;
  /** The lots the redemption spent: a cancel gives the points back to them. */
  spentLots: Array<{ lotId: string; points: number }>;
  createdAt: Date;
  cancelledAt: Date | null;
}
