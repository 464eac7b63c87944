import { credit, type LedgerEntryDraft, reverse } from '../ledger/posting.js';
import { addDecimal, refundReversal } from '../ledger/refund-reversal.js';
import type { RefundTarget } from './events.repository.js';
import { multiplierOf, rankOf, tierFor, type TierLadder } from '../tiers/tier-ladder.js';
import type { TierChange } from '../tiers/tier-change.js';
import type { StageChange } from '../journey/stage-change.js';
import { advance, builtInTarget, type Transitions } from '../journey/stage-move.js';
import type { Member } from '../members/member.entity.js';
import type { CompiledRuleSet, RuleTrace, RuleUsage, TokenAward } from '../rules/engine/index.js';
import type { EventEffect } from './event-effects.js';

const DAY_MS = 86_400_000;

/** What applying one event needs besides the member: the brand's rules and settings. Pure data. */
export interface EventContext {
  ruleSet: CompiledRuleSet;
  stageKeys: readonly string[];
  transitions: Transitions;
  pendingDays: number;
  expiryMonths: number | null;
  now: Date;
  newId: () => string;
  /** Simulation: trace every rule with why it did or did not fire. */
  explain?: boolean;
  tiers: TierLadder;
  /** With a rolling tier window: points each member earned in it, kept current as events apply. */
  windowEarned: Map<string, number>;
}

/** The context of a brand's events: its compiled rules, journey and point settings. */
export function contextFor(
  brand: {
    stages: readonly { key: string }[];
    settings: { transitions: Transitions; pendingDays: number; expiryMonths: number | null; tiers: TierLadder };
  },
  ruleSet: CompiledRuleSet,
  now: Date,
  newId: () => string,
  explain = false,
  windowEarned = new Map<string, number>(),
): EventContext {
  return {
    tiers: brand.settings.tiers,
    windowEarned,
    ruleSet,
    stageKeys: brand.stages.map((s) => s.key),
    transitions: brand.settings.transitions,
    pendingDays: brand.settings.pendingDays,
    expiryMonths: brand.settings.expiryMonths,
    now,
    newId,
    explain,
  };
}

export interface AcceptedEvent {
  id: string;
  type: string;
  occurredAt: Date;
  attributes: Record<string, unknown>;
}

export interface AppliedEvent {
  effects: EventEffect[];
  entries: LedgerEntryDraft[];
  stageChanges: StageChange[];
  tokens: Array<TokenAward & { mintId: string; status: 'queued' | 'awaiting_wallet' }>;
  /** The new usage of each rule that fired (to persist). */
  usage: Map<string, RuleUsage>;
  tierChanges: TierChange[];
  trace: RuleTrace[];
}

/**
 * Applies one event to a locked member, in memory: counters, the built-in journey move,
 * the rules, ledger postings, the rule move. Mutates `member` (its stage, counters and
 * balance), `usage` (this member's rule usage) and `budgetRemaining`, so that the next event
 * of the same transaction sees them. No I/O: the pipeline writes what this returns.
 */
export function applyEvent(
  member: Member,
  event: AcceptedEvent,
  usage: Map<string, RuleUsage>,
  budgetRemaining: Map<string, number>,
  ctx: EventContext,
  refunded?: RefundTarget,
): AppliedEvent {
  const applied: AppliedEvent = {
    effects: [],
    entries: [],
    stageChanges: [],
    tokens: [],
    usage: new Map(),
    trace: [],
    tierChanges: [],
  };
  const previousPurchaseAt = member.lastPurchaseAt;

  if (event.type === 'referral') {
    member.referralCount += 1;
  }
  if (event.type === 'purchase') {
    member.purchaseCount += 1;
    if (!member.lastPurchaseAt || event.occurredAt > member.lastPurchaseAt) {
      member.lastPurchaseAt = event.occurredAt;
    }
  }
  // The built-in move comes first, so that the rules see the member as this event makes them
  // (a first purchase is rewarded by the conversion stage's rules).
  const target = builtInTarget(event.type, member.purchaseCount, ctx.transitions, ctx.stageKeys);
  if (target) {
    moveTo(member, advance(member.stage, target, ctx.stageKeys), 'transition', null, event, ctx, applied);
  }

  const evaluation = ctx.ruleSet.evaluate({
    event,
    member: {
      stage: member.stage,
      tier: member.tier,
      enrolledAt: member.enrolledAt,
      purchaseCount: member.purchaseCount,
      referralCount: member.referralCount,
      lifetimePoints: member.lifetimeEarned,
      lastPurchaseAt: previousPurchaseAt,
      source: member.source,
      referred: member.referredBy !== null,
    },
    stageOrder: ctx.stageKeys,
    tierMultiplier: multiplierOf(member.tier, ctx.tiers),
    usage,
    budgetRemaining,
    explain: ctx.explain,
  });
  applied.trace = evaluation.trace;

  for (const award of evaluation.points) {
    const pendingDays = award.pendingDays ?? ctx.pendingDays;
    const status = pendingDays > 0 ? 'pending' : 'available';
    const { entry } = credit(member, {
      id: ctx.newId(),
      status,
      points: award.points,
      eventId: event.id,
      ruleId: award.ruleId,
      ruleVersion: award.ruleVersion,
      availableAt: new Date(ctx.now.getTime() + pendingDays * DAY_MS),
      expiresAt: ctx.expiryMonths ? addMonths(ctx.now, ctx.expiryMonths) : null,
    });
    applied.entries.push(entry);
    applied.effects.push({
      type: 'points',
      ruleId: award.ruleId,
      ruleVersion: award.ruleVersion,
      points: award.points,
      status,
      entryId: entry.id,
    });
  }
  for (const token of evaluation.tokens) {
    const mintId = ctx.newId();
    // no wallet yet: the mint waits, and linking one queues it
    const status = member.walletAddress ? 'queued' : 'awaiting_wallet';
    applied.tokens.push({ ...token, mintId, status });
    applied.effects.push({
      type: 'token',
      ruleId: token.ruleId,
      ruleVersion: token.ruleVersion,
      amount: token.amount,
      mintId,
      status,
    });
  }
  if (refunded) {
    reverseRefund(member, event, refunded, ctx, applied);
  }
  if (ctx.tiers.tiers.length) {
    upgradeTier(
      member,
      event,
      evaluation.points.reduce((a, p) => a + p.points, 0),
      ctx,
      applied,
    );
  }
  if (evaluation.stage) {
    const to =
      evaluation.stage.mode === 'set' ? evaluation.stage.to : advance(member.stage, evaluation.stage.to, ctx.stageKeys);
    moveTo(member, to, 'rule', evaluation.stage.ruleId, event, ctx, applied);
  }
  for (const [ruleId, u] of evaluation.usage) {
    usage.set(ruleId, u);
  }
  applied.usage = evaluation.usage;
  // The pipeline seeds every budgeted candidate rule; a missing entry means "whole budget left" to the engine.
  for (const [ruleId, spent] of evaluation.budgetSpent) {
    const left = budgetRemaining.get(ruleId);
    if (left !== undefined) {
      budgetRemaining.set(ruleId, left - spent);
    }
  }
  return applied;
}

/** Upgrades happen at once, inside the event's transaction; downgrades only in the nightly job. */
function upgradeTier(member: Member, event: AcceptedEvent, earned: number, ctx: EventContext, applied: AppliedEvent) {
  let qualifying = member.lifetimeEarned;
  if (ctx.tiers.windowDays !== null) {
    qualifying = (ctx.windowEarned.get(member.id) ?? 0) + earned;
    ctx.windowEarned.set(member.id, qualifying);
  }
  const reached = tierFor(qualifying, ctx.tiers);
  if (rankOf(reached, ctx.tiers) <= rankOf(member.tier, ctx.tiers)) {
    return;
  }
  applied.tierChanges.push({
    id: ctx.newId(),
    memberId: member.id,
    from: member.tier,
    to: reached,
    eventId: event.id,
    cause: 'upgrade',
  });
  applied.effects.push({ type: 'tier', from: member.tier, to: reached! });
  member.tier = reached;
}

/**
 * What a purchase earned, as a refund of its order will need it: kept current in memory, so a
 * refund later in the same transaction sees a purchase whose entries are not written yet.
 */
export function recordPurchase(
  targets: Map<string, RefundTarget>,
  member: Member,
  event: AcceptedEvent,
  applied: AppliedEvent,
): void {
  if (event.type !== 'purchase' || event.attributes.orderId === undefined || event.attributes.orderId === null) {
    return;
  }
  const key = `${member.id}:${String(event.attributes.orderId)}`;
  const earned = applied.entries.filter((e) => e.kind === 'earn' && e.eventId === event.id);
  const pending = earned.filter((e) => e.status === 'pending');
  const target = targets.get(key) ?? {
    amount: '0',
    earnedPending: 0,
    earnedAvailable: 0,
    reversed: 0,
    refunded: '0',
    pendingUntil: null,
  };
  target.amount = amountText(event.attributes.amount);
  target.earnedPending += pending.reduce((a, e) => a + e.points, 0);
  target.earnedAvailable += earned.filter((e) => e.status === 'available').reduce((a, e) => a + e.points, 0);
  if (pending.length) {
    target.pendingUntil = pending[0].availableAt;
  }
  targets.set(key, target);
}

/**
 * A refund takes back its share of what the purchase earned, as `reverse` entries (pending
 * first). The balance may go below zero only here, and the entry shows it. Mutates `target`
 * so a second refund of the order in the same transaction sees this one.
 */
function reverseRefund(
  member: Member,
  event: AcceptedEvent,
  target: RefundTarget,
  ctx: EventContext,
  applied: AppliedEvent,
) {
  const refundedTotal = addDecimal(target.refunded, amountText(event.attributes.amount));
  const take = refundReversal(target, refundedTotal);
  target.refunded = refundedTotal;
  target.reversed += take.pending + take.available;
  for (const status of ['pending', 'available'] as const) {
    if (take[status] === 0) {
      continue;
    }
    const { entry } = reverse(member, {
      id: ctx.newId(),
      status,
      points: -take[status],
      eventId: event.id,
      reason: `refund of order ${String(event.attributes.orderId)}`,
      availableAt: status === 'pending' && target.pendingUntil ? target.pendingUntil : ctx.now,
    });
    applied.entries.push(entry);
    applied.effects.push({
      type: 'reversal',
      points: entry.points,
      status,
      entryId: entry.id,
      orderId: String(event.attributes.orderId),
    });
  }
}

/** An attribute amount as a decimal string (numbers arrive as JSON numbers too). */
export function amountText(amount: unknown): string {
  if (typeof amount === 'number') {
    return amount.toFixed(6).replace(/\.?0+$/, '') || '0';
  }
  return typeof amount === 'string' ? amount : '0';
}

function moveTo(
  member: Member,
  to: string,
  cause: 'transition' | 'rule',
  ruleId: string | null,
  event: AcceptedEvent,
  ctx: EventContext,
  applied: AppliedEvent,
) {
  if (to === member.stage) {
    return;
  }
  applied.stageChanges.push({
    id: ctx.newId(),
    memberId: member.id,
    from: member.stage,
    to,
    eventId: event.id,
    ruleId,
    cause,
  });
  applied.effects.push({ type: 'stage', from: member.stage, to, cause, ...(ruleId ? { ruleId } : {}) });
  member.stage = to;
}

/** Calendar months later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(at: Date, months: number): Date {
  const d = new Date(at.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}
