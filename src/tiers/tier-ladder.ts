/**
 * A brand's tiers, pure: which tier a member's qualifying points reach, and its earn
 * multiplier. Qualifying points are those earned over the ladder's rolling window, or over
 * the member's lifetime when the window is null.
 */
export interface Tier {
  key: string;
  name: string;
  /** Qualifying points needed; strictly increasing along the ladder. */
  threshold: number;
  /** Applied to rule rewards, then floored. */
  multiplier: number;
}

export interface TierLadder {
  /** Days of earnings that count; null = lifetime. */
  windowDays: number | null;
  tiers: Tier[];
}

export const NO_TIERS: TierLadder = { windowDays: null, tiers: [] };

/** The highest tier the points reach, or null below the first threshold. */
export function tierFor(points: number, ladder: TierLadder): string | null {
  let reached: string | null = null;
  for (const tier of ladder.tiers) {
    if (points >= tier.threshold) {
      reached = tier.key;
    }
  }
  return reached;
}

export function multiplierOf(tier: string | null, ladder: TierLadder): number {
  return ladder.tiers.find((t) => t.key === tier)?.multiplier ?? 1;
}

/** Position on the ladder; -1 for no tier (or a key the ladder no longer has). */
export function rankOf(tier: string | null, ladder: TierLadder): number {
  return ladder.tiers.findIndex((t) => t.key === tier);
}
