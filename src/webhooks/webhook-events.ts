/**
 * What goes out (issue 11 §3). A message's body is `{ type, timestamp, data }`; `data` names the
 * member (`member: { id, externalId, email }`), the amounts, and the balance after the change.
 */
export const WEBHOOK_EVENT_TYPES = [
  'member.enrolled',
  'member.stage_changed',
  'member.tier_changed',
  'points.earned',
  'points.redeemed',
  'points.expired',
  'points.reversed',
  'referral.qualified',
  'redemption.created',
  'redemption.cancelled',
  // emitted by the token feature (issue: on-chain rewards)
  'token.minted',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A message only POST /v1/webhook-endpoints/{id}/test sends, to that endpoint alone. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** One change to report: the outbox turns it into a message for every endpoint subscribed to its type. */
export interface WebhookChange {
  type: WebhookEventType;
  data: Record<string, unknown>;
  /** When the change happened (default: now). */
  at?: Date;
}

export interface MemberLike {
  id: string;
  externalId: string;
  email: string | null;
  pointsAvailable: number;
  pointsPending: number;
  lifetimeEarned: number;
}

/** How a message names its member. */
export function memberRef(m: MemberLike): { id: string; externalId: string; email: string | null } {
  return { id: m.id, externalId: m.externalId, email: m.email };
}

/** The member's balance as it stands now: called right after the change, it is the balance after it. */
export function balanceOf(m: MemberLike): { available: number; pending: number; lifetimeEarned: number } {
  return {
    available: Number(m.pointsAvailable),
    pending: Number(m.pointsPending),
    lifetimeEarned: Number(m.lifetimeEarned),
  };
}

export function payloadOf(type: string, at: Date, data: Record<string, unknown>) {
  return { type, timestamp: at.toISOString(), data };
}

/** member.enrolled: from the members API, an event's auto-enrolment, or any later road in. */
export function enrolledChange(
  m: MemberLike & { stage: string; source: string; enrolledAt: Date; referralCode?: string },
): WebhookChange {
  return {
    type: 'member.enrolled',
    at: m.enrolledAt,
    data: {
      member: memberRef(m),
      stage: m.stage,
      source: m.source,
      enrolledAt: m.enrolledAt.toISOString(),
      balance: balanceOf(m),
    },
  };
}

/** token.minted: a mint confirmed on chain (the mint worker, in the transaction that marks it confirmed). */
export function mintedChange(m: {
  mintId: string;
  toAddress: string;
  amount: string;
  txHash: string;
  blockNumber: number;
  member: MemberLike;
}): WebhookChange {
  return {
    type: 'token.minted',
    data: {
      member: memberRef(m.member),
      mintId: m.mintId,
      amount: m.amount,
      walletAddress: m.toAddress,
      txHash: m.txHash,
      blockNumber: m.blockNumber,
    },
  };
}

/** A manual adjustment (POST /v1/members/{id}/adjustments): a credit is points earned, a debit points reversed. */
export function adjustmentChange(
  m: MemberLike,
  entry: { id: string; points: number; reason?: string | null },
  at: Date,
): WebhookChange {
  return {
    type: entry.points > 0 ? 'points.earned' : 'points.reversed',
    at,
    data: {
      member: memberRef(m),
      source: 'adjustment',
      reason: entry.reason ?? null,
      points: entry.points,
      entries: [{ id: entry.id, points: entry.points, status: 'available' }],
      balance: balanceOf(m),
    },
  };
}

/** What is left of a member's lapsed lots, expired by the expiry job. */
export function expiredChange(m: MemberLike, entries: Array<{ id: string; points: number }>, at: Date): WebhookChange {
  return {
    type: 'points.expired',
    at,
    data: {
      member: memberRef(m),
      points: entries.reduce((a, e) => a + e.points, 0),
      entries: entries.map((e) => ({ id: e.id, points: e.points })),
      balance: balanceOf(m),
    },
  };
}

/** A tier move outside an event (the nightly recalculation's downgrades). */
export function tierChange(
  m: MemberLike,
  c: { from: string | null; to: string | null; cause: string; eventId: string | null },
  at: Date,
): WebhookChange {
  return {
    type: 'member.tier_changed',
    at,
    data: { member: memberRef(m), from: c.from, to: c.to, cause: c.cause, eventId: c.eventId, balance: balanceOf(m) },
  };
}

export interface RedemptionFacts {
  id: string;
  rewardId: string;
  kind: string;
  costPoints: number;
  ledgerEntryId: string;
}

/** A redemption: points.redeemed (the debit) and redemption.created. */
export function redeemedChanges(m: MemberLike, r: RedemptionFacts & { rewardName: string }, at: Date): WebhookChange[] {
  const redemption = {
    id: r.id,
    rewardId: r.rewardId,
    rewardName: r.rewardName,
    kind: r.kind,
    costPoints: r.costPoints,
  };
  return [
    {
      type: 'points.redeemed',
      at,
      data: {
        member: memberRef(m),
        points: -r.costPoints,
        entries: [{ id: r.ledgerEntryId, points: -r.costPoints, status: 'available' }],
        redemption,
        balance: balanceOf(m),
      },
    },
    { type: 'redemption.created', at, data: { member: memberRef(m), redemption, balance: balanceOf(m) } },
  ];
}

/** A cancelled redemption: its points come back (`pointsReturned`), with the entry that returned them. */
export function cancelledChange(m: MemberLike, r: RedemptionFacts, returnEntryId: string, at: Date): WebhookChange {
  return {
    type: 'redemption.cancelled',
    at,
    data: {
      member: memberRef(m),
      redemption: { id: r.id, rewardId: r.rewardId, kind: r.kind, costPoints: r.costPoints },
      pointsReturned: r.costPoints,
      entryId: returnEntryId,
      balance: balanceOf(m),
    },
  };
}
