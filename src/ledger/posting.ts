/**
 * How a ledger entry moves a member's balance. Pure: the pipeline, adjustments and
 * (later) redemptions all post through here, so the balance always equals the sum of entries.
 */
export type EntryKind = 'earn' | 'redeem' | 'expire' | 'reverse' | 'adjust';
export type EntryStatus = 'pending' | 'available';

export interface Balance {
  pointsAvailable: number;
  pointsPending: number;
  lifetimeEarned: number;
}

export interface Posting {
  kind: EntryKind;
  status: EntryStatus;
  points: number;
  eventId?: string | null;
  ruleId?: string | null;
  ruleVersion?: number | null;
  redemptionId?: string | null;
  reason?: string | null;
  actor?: string | null;
  availableAt: Date;
  expiresAt?: Date | null;
}

export interface LedgerEntryDraft extends Posting {
  id: string;
  memberId: string;
  /** The member's total (available + pending) after this entry. */
  balanceAfter: number;
}

/** Applies one posting to a balance in place and answers the total after it. */
export function post(balance: Balance, posting: Posting): number {
  if (!Number.isSafeInteger(posting.points) || posting.points === 0) {
    throw new Error(`ledger: points must be a non-zero integer, got ${posting.points}`);
  }
  if (posting.status === 'pending') {
    balance.pointsPending += posting.points;
  } else {
    balance.pointsAvailable += posting.points;
  }
  if (posting.points > 0 && (posting.kind === 'earn' || posting.kind === 'adjust')) {
    balance.lifetimeEarned += posting.points;
  }
  return balance.pointsAvailable + balance.pointsPending;
}
