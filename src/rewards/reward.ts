/** A catalog item as the rewards feature reads it from its row. Pure data: no Nest or TypeORM. */
export const REWARD_KINDS = ['coupon', 'content', 'perk'] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];

export interface Reward {
  brandId: string;
  id: string;
  name: string;
  description: string | null;
  kind: RewardKind;
  costPoints: number;
  /** Units offered in total; null = unlimited. */
  stock: number | null;
  /** Live (not cancelled) redemptions: what the stock has given out. */
  redeemed: number;
  /** Coupon codes not handed out yet (0 for other kinds). */
  codesUnused: number;
  perMemberLimit: number | null;
  /** Empty = every stage / every tier. */
  stages: string[];
  tiers: string[];
  contentUrl: string | null;
  perkText: string | null;
  validFrom: Date | null;
  validUntil: Date | null;
  active: boolean;
  /** Token-gated: the member's wallet must hold at least this many whole tokens (decimal string); null = no gate. */
  tokenGateMinBalance: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Units still redeemable; null = unlimited. A coupon can never give out more than its
 * unused codes, whatever its stock says, so the pool bounds it too.
 */
export function remainingOf(r: Pick<Reward, 'kind' | 'stock' | 'redeemed' | 'codesUnused'>): number | null {
  const left = r.stock === null ? null : Math.max(0, r.stock - r.redeemed);
  if (r.kind !== 'coupon') {
    return left;
  }
  return left === null ? r.codesUnused : Math.min(left, r.codesUnused);
}

/**
 * Whether the reward can run out (a stock, or a coupon's code pool): then each redemption takes
 * its row's lock and counts on the row, so it never oversells. An unbounded one is only
 * read-shared by a redemption and counted in stripes, so redemptions do not queue on it.
 */
export function isBounded(r: Pick<Reward, 'kind' | 'stock'>): boolean {
  return r.stock !== null || r.kind === 'coupon';
}
