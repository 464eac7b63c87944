/**
 * Referral rules, pure: who may refer whom (attribution) and which event of the referee
 * qualifies the referral (the brand's policy). No I/O: the services feed them rows.
 */

export type RejectionReason = 'referrer_not_enrolled' | 'self_referral' | 'already_member' | 'referrer_limit';

export interface AttributionInput {
  referrer: { id: string; email: string | null; walletAddress: string | null } | null;
  referee: { id: string; email: string | null; walletAddress: string | null };
  /** The referee existed before this request named the code. */
  refereeExisted: boolean;
  referrerReferralsThisMonth: number;
  maxReferralsPerMonth: number;
}

/** Pending, or rejected with the first reason that applies. The referee is enrolled either way. */
export function attribute(
  a: AttributionInput,
): { status: 'pending' } | { status: 'rejected'; reason: RejectionReason } {
  if (!a.referrer) {
    return { status: 'rejected', reason: 'referrer_not_enrolled' };
  }
  const same = (x: string | null, y: string | null) => x !== null && y !== null && x.toLowerCase() === y.toLowerCase();
  if (
    a.referrer.id === a.referee.id ||
    same(a.referrer.email, a.referee.email) ||
    same(a.referrer.walletAddress, a.referee.walletAddress)
  ) {
    return { status: 'rejected', reason: 'self_referral' };
  }
  if (a.refereeExisted) {
    return { status: 'rejected', reason: 'already_member' };
  }
  if (a.referrerReferralsThisMonth >= a.maxReferralsPerMonth) {
    return { status: 'rejected', reason: 'referrer_limit' };
  }
  return { status: 'pending' };
}

export interface ReferralPolicy {
  qualifyingEvent: string;
  /** Decimal string; "0" = any amount. */
  minAmount: string;
  withinDays: number;
}

const DAY_MS = 86_400_000;

/** Whether a referee's event qualifies a pending referral opened at `openedAt`. */
export function qualifies(
  policy: ReferralPolicy,
  openedAt: Date,
  event: { type: string; occurredAt: Date; attributes: Record<string, unknown> },
): boolean {
  if (event.type !== policy.qualifyingEvent) {
    return false;
  }
  if (event.occurredAt.getTime() > openedAt.getTime() + policy.withinDays * DAY_MS) {
    return false;
  }
  if (decimalCompare(policy.minAmount, '0') <= 0) {
    return true;
  }
  const amount = event.attributes.amount;
  const text = typeof amount === 'number' ? String(amount) : typeof amount === 'string' ? amount : null;
  return text !== null && /^\d+(\.\d+)?$/.test(text) && decimalCompare(text, policy.minAmount) >= 0;
}

/** Compares two non-negative decimal strings exactly (money is never a float here). */
export function decimalCompare(a: string, b: string): number {
  const [ai, af = ''] = a.split('.');
  const [bi, bf = ''] = b.split('.');
  const scale = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(scale, '0'));
  const y = BigInt(bi + bf.padEnd(scale, '0'));
  return x === y ? 0 : x > y ? 1 : -1;
}
