/** Journey moves, pure. Journeys are not linear: a member may skip stages, but only `setStage` goes back. */

export interface Transitions {
  firstPurchase: boolean;
  secondPurchase: boolean;
  referralMade: boolean;
}

/**
 * The built-in move an event causes, if any: first purchase → conversion, second → retention,
 * a qualified referral made → loyalty; each only when the brand has that stage and the switch is on.
 * `purchaseCount` counts this event.
 */
export function builtInTarget(
  eventType: string,
  purchaseCount: number,
  transitions: Transitions,
  stageKeys: readonly string[],
): string | null {
  let target: string | null = null;
  if (eventType === 'purchase' && purchaseCount === 1 && transitions.firstPurchase) {
    target = 'conversion';
  } else if (eventType === 'purchase' && purchaseCount === 2 && transitions.secondPurchase) {
    target = 'retention';
  } else if (eventType === 'referral' && transitions.referralMade) {
    target = 'loyalty';
  }
  return target !== null && stageKeys.includes(target) ? target : null;
}

/** Forward-only: the later of the two stages in the brand's order. */
export function advance(current: string, target: string, stageKeys: readonly string[]): string {
  const from = stageKeys.indexOf(current);
  const to = stageKeys.indexOf(target);
  if (to < 0) {
    return current;
  }
  return to > from ? target : current;
}
