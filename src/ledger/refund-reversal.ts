/**
 * How many points a refund takes back, pure. A purchase that earned E points for an amount A,
 * refunded R in total so far (this refund included), has had floor(E × min(1, R / A)) points
 * reversed: each refund takes the difference to what earlier refunds took, so two partial
 * refunds never take more than one full one. Pending points go first (they were not spendable).
 */
export interface PurchaseEarnings {
  /** Decimal string. */
  amount: string;
  earnedPending: number;
  earnedAvailable: number;
  /** Points already taken back by earlier refunds of this order (positive). */
  reversed: number;
}

export function refundReversal(
  purchase: PurchaseEarnings,
  refundedTotal: string,
): { pending: number; available: number } {
  const earned = purchase.earnedPending + purchase.earnedAvailable;
  const target = proportion(earned, refundedTotal, purchase.amount);
  let toReverse = Math.max(0, target - purchase.reversed);
  // earlier refunds already took pending first
  const pendingLeft = Math.max(0, purchase.earnedPending - purchase.reversed);
  const pending = Math.min(toReverse, pendingLeft);
  toReverse -= pending;
  return { pending, available: toReverse };
}

/** floor(points × min(1, part / whole)) in exact decimal arithmetic. */
function proportion(points: number, part: string, whole: string): number {
  const [p, w] = scaled(part, whole);
  if (w <= 0n || p >= w) {
    return points;
  }
  return Number((BigInt(points) * p) / w);
}

function scaled(a: string, b: string): [bigint, bigint] {
  const [ai, af = ''] = a.split('.');
  const [bi, bf = ''] = b.split('.');
  const scale = Math.max(af.length, bf.length);
  return [BigInt(ai + af.padEnd(scale, '0')), BigInt(bi + bf.padEnd(scale, '0'))];
}

/** Adds two non-negative decimal strings exactly. */
export function addDecimal(a: string, b: string): string {
  const [x, y] = scaled(a, b);
  const scale = Math.max((a.split('.')[1] ?? '').length, (b.split('.')[1] ?? '').length);
  const sum = (x + y).toString().padStart(scale + 1, '0');
  return scale ? `${sum.slice(0, -scale)}.${sum.slice(-scale)}` : sum;
}
