import type { LedgerEntryDraft } from '../ledger/posting.js';
import type { StageChange } from '../journey/stage-change.js';
import type { TierChange } from '../tiers/tier-change.js';
import { balanceOf, type MemberLike, memberRef, type WebhookChange } from './webhook-events.js';

/** What applying one event changed, as the event path has it in memory. */
export interface AppliedEventChanges {
  event: { id: string; type: string };
  entries: LedgerEntryDraft[];
  stageChanges: StageChange[];
  tierChanges: TierChange[];
}

/**
 * The changes one event reports, called right after it was applied (so the member's balance
 * is the balance after it). Points earned go out once per event, not per rule: a receiver sees
 * "this purchase earned 45 points" with the entries that make it up, and one message however
 * many rules fired. Pure.
 */
export function changesOfEvent(member: MemberLike, applied: AppliedEventChanges, at: Date): WebhookChange[] {
  const changes: WebhookChange[] = [];
  const ref = memberRef(member);
  const balance = balanceOf(member);
  const entryView = (e: LedgerEntryDraft) => ({
    id: e.id,
    ruleId: e.ruleId ?? null,
    ruleVersion: e.ruleVersion ?? null,
    points: e.points,
    status: e.status,
  });
  const earned = applied.entries.filter((e) => e.kind === 'earn' && e.memberId === member.id);
  if (earned.length) {
    changes.push({
      type: 'points.earned',
      at,
      data: {
        member: ref,
        eventId: applied.event.id,
        eventType: applied.event.type,
        points: earned.reduce((a, e) => a + e.points, 0),
        entries: earned.map(entryView),
        balance,
      },
    });
  }
  const reversed = applied.entries.filter((e) => e.kind === 'reverse' && e.memberId === member.id);
  if (reversed.length) {
    changes.push({
      type: 'points.reversed',
      at,
      data: {
        member: ref,
        eventId: applied.event.id,
        eventType: applied.event.type,
        reason: reversed[0].reason ?? null,
        points: reversed.reduce((a, e) => a + e.points, 0),
        entries: reversed.map(entryView),
        balance,
      },
    });
  }
  for (const c of applied.stageChanges) {
    changes.push({
      type: 'member.stage_changed',
      at,
      data: { member: ref, from: c.from, to: c.to, cause: c.cause, eventId: c.eventId, ruleId: c.ruleId, balance },
    });
  }
  for (const c of applied.tierChanges) {
    changes.push({
      type: 'member.tier_changed',
      at,
      data: { member: ref, from: c.from, to: c.to, cause: c.cause, eventId: c.eventId, balance },
    });
  }
  return changes;
}
