import { factNumber, snapDecimalNoise } from './fact-number.js';
import { factReader, type Facts } from './facts.js';
import { MAX_AWARD_POINTS, type PointsReward, type Rounding } from './rule-definition.js';

/**
 * A rule's points before the tier multiplier and limits, or NaN when a perUnit fact is missing
 * or not numeric (the rule then does not fire: awarding 0 would still count against limits).
 */
export type PointsFormula = (facts: Facts) => number;

const roundings: Record<Rounding, (value: number) => number> = {
  floor: Math.floor,
  round: Math.round,
  ceil: Math.ceil,
};

export function compilePointsFormula(points: PointsReward | undefined): PointsFormula | null {
  if (points === undefined) {
    return null;
  }
  if ('fixed' in points) {
    const fixed = points.fixed;
    return () => fixed;
  }
  const { fact, rate, rounding } = points.perUnit;
  const read = factReader(fact);
  const round = roundings[rounding];
  return (facts) => {
    const units = factNumber(read(facts));
    if (units !== units) {
      return NaN;
    }
    // A negative amount (a refund sent as a purchase) earns nothing rather than taking points.
    return Math.max(0, Math.min(MAX_AWARD_POINTS, round(snapDecimalNoise(units * rate))));
  };
}

/** Tier multiplier on top of a rule's points, floored (DESIGN §3): 15 points × 1.5 = 22. */
export function applyTierMultiplier(points: number, multiplier: number): number {
  if (multiplier === 1 || points === 0) {
    return points;
  }
  return Math.min(MAX_AWARD_POINTS, Math.floor(snapDecimalNoise(points * multiplier)));
}
