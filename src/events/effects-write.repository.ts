import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { StageChange } from '../journey/stage-change.js';
import { ledgerEntryRecords } from '../ledger/ledger.repository.js';
import type { LedgerEntryDraft } from '../ledger/posting.js';
import type { Member } from '../members/member.entity.js';
import type { RuleUsage } from '../rules/engine/index.js';
import type { TierChange } from '../tiers/tier-change.js';
import type { EventResult } from './event-effects.js';
import type { NewEvent } from './events.repository.js';

/** A token-mint outbox row: minted later by the chain worker, never inside the transaction. */
export interface QueuedMint {
  id: string;
  memberId: string;
  eventId: string;
  ruleId: string;
  amount: string;
  status: 'queued' | 'awaiting_wallet';
}

export interface EffectsWrite {
  entries: LedgerEntryDraft[];
  members: Member[];
  stageChanges: StageChange[];
  usage: Array<{ memberId: string; ruleId: string; usage: RuleUsage }>;
  budgetSpent: Map<string, number>;
  mints: QueuedMint[];
  results: EventResult[];
  /** Events the engine made (a referrer's `referral`), stored with their answer. */
  engineEvents: Array<NewEvent & { result: EventResult }>;
  tierChanges: TierChange[];
  /** Referrals qualified and rewarded by this list. */
  referrals: Array<{ id: string; qualifyingEventId: string; referralEventId: string }>;
}

/**
 * Everything a list of events changes, written in ONE statement (data-modifying CTEs, each
 * fed one JSON parameter): on the hot path a round trip costs more than the rows, so the
 * ledger entries, member states, stage history, rule usage, budget counters, token-mint
 * outbox and stored answers travel together. The same tables' own repositories read them.
 */
@Injectable()
export class EffectsWriteRepository {
  async write(em: EntityManager, brandId: string, w: EffectsWrite): Promise<void> {
    await em.query(
      `WITH
       ledger AS (
         INSERT INTO ledger_entries (brand_id, id, member_id, kind, status, points, balance_after, event_id, rule_id, rule_version,
                                     redemption_id, reason, actor, available_at, expires_at, lot_remaining)
         SELECT $1, e.id, e.member_id, e.kind, e.status, e.points, e.balance_after, e.event_id, e.rule_id, e.rule_version,
                e.redemption_id, e.reason, e.actor, e.available_at, e.expires_at, CASE WHEN e.points > 0 THEN e.points END
           FROM json_to_recordset($2::json) AS e(n int, id uuid, member_id uuid, kind text, status text, points bigint,
                balance_after bigint, event_id uuid, rule_id uuid, rule_version int, redemption_id uuid, reason text, actor text,
                available_at timestamptz, expires_at timestamptz)
          ORDER BY e.n
       ),
       member_states AS (
         UPDATE members m SET stage = u.stage, tier = u.tier, purchase_count = u.purchase_count, referral_count = u.referral_count,
                last_purchase_at = u.last_purchase_at, points_available = u.points_available, points_pending = u.points_pending,
                lifetime_earned = u.lifetime_earned, updated_at = now()
           FROM json_to_recordset($3::json) AS u(id uuid, stage text, tier text, purchase_count int, referral_count int,
                last_purchase_at timestamptz, points_available bigint, points_pending bigint, lifetime_earned bigint)
          WHERE m.brand_id = $1 AND m.id = u.id
       ),
       stage_history AS (
         INSERT INTO stage_changes (brand_id, id, member_id, from_stage, to_stage, event_id, rule_id, cause)
         SELECT $1, c.id, c.member_id, c.from_stage, c.to_stage, c.event_id, c.rule_id, c.cause
           FROM json_to_recordset($4::json) AS c(id uuid, member_id uuid, from_stage text, to_stage text, event_id uuid, rule_id uuid, cause text)
       ),
       usage AS (
         INSERT INTO rule_usage (brand_id, member_id, rule_id, period_start, count, points, last_fired_at)
         SELECT $1, u.member_id, u.rule_id, u.period_start, u.count, u.points, u.last_fired_at
           FROM json_to_recordset($5::json) AS u(member_id uuid, rule_id uuid, period_start timestamptz, count int, points bigint, last_fired_at timestamptz)
         ON CONFLICT (brand_id, member_id, rule_id) DO UPDATE
           SET period_start = EXCLUDED.period_start, count = EXCLUDED.count, points = EXCLUDED.points, last_fired_at = EXCLUDED.last_fired_at
       ),
       budgets AS (
         UPDATE rules r SET budget_spent = r.budget_spent + s.points
           FROM json_to_recordset($6::json) AS s(id uuid, points bigint)
          WHERE r.brand_id = $1 AND r.id = s.id
       ),
       mints AS (
         INSERT INTO token_mints (brand_id, id, member_id, event_id, rule_id, amount, status)
         SELECT $1, t.id, t.member_id, t.event_id, t.rule_id, t.amount, t.status
           FROM json_to_recordset($7::json) AS t(id uuid, member_id uuid, event_id uuid, rule_id uuid, amount numeric, status text)
       ),
       engine_events AS (
         INSERT INTO events (brand_id, id, idempotency_key, request_hash, type, member_id, occurred_at, attributes, origin, result)
         SELECT $1, v.id, v.idempotency_key, v.request_hash, v.type, v.member_id, v.occurred_at, v.attributes, v.origin, v.result
           FROM json_to_recordset($9::json) AS v(id uuid, idempotency_key text, request_hash text, type text, member_id uuid,
                occurred_at timestamptz, attributes jsonb, origin text, result jsonb)
       ),
       referral_outcomes AS (
         UPDATE referrals r SET status = 'rewarded', qualified_at = now(), rewarded_at = now(),
                qualifying_event_id = q.qualifying_event_id, referral_event_id = q.referral_event_id
           FROM json_to_recordset($10::json) AS q(id uuid, qualifying_event_id uuid, referral_event_id uuid)
          WHERE r.brand_id = $1 AND r.id = q.id AND r.status = 'pending'
       ),
       tier_history AS (
         INSERT INTO tier_changes (brand_id, id, member_id, from_tier, to_tier, event_id, cause)
         SELECT $1, c.id, c.member_id, c.from_tier, c.to_tier, c.event_id, c.cause
           FROM json_to_recordset($11::json) AS c(id uuid, member_id uuid, from_tier text, to_tier text, event_id uuid, cause text)
       ),
       answers AS (
         UPDATE events e SET result = r.result
           FROM json_to_recordset($8::json) AS r(id uuid, result jsonb)
          WHERE e.brand_id = $1 AND e.id = r.id
       )
       SELECT 1`,
      [
        brandId,
        JSON.stringify(ledgerEntryRecords(w.entries)),
        JSON.stringify(
          w.members.map((m) => ({
            id: m.id,
            stage: m.stage,
            tier: m.tier,
            purchase_count: m.purchaseCount,
            referral_count: m.referralCount,
            last_purchase_at: m.lastPurchaseAt,
            points_available: m.pointsAvailable,
            points_pending: m.pointsPending,
            lifetime_earned: m.lifetimeEarned,
          })),
        ),
        JSON.stringify(
          w.stageChanges.map((c) => ({
            id: c.id,
            member_id: c.memberId,
            from_stage: c.from,
            to_stage: c.to,
            event_id: c.eventId,
            rule_id: c.ruleId,
            cause: c.cause,
          })),
        ),
        JSON.stringify(
          w.usage.map((u) => ({
            member_id: u.memberId,
            rule_id: u.ruleId,
            period_start: u.usage.periodStart,
            count: u.usage.count,
            points: u.usage.points,
            last_fired_at: u.usage.lastFiredAt,
          })),
        ),
        JSON.stringify([...w.budgetSpent].map(([id, points]) => ({ id, points }))),
        JSON.stringify(
          w.mints.map((m) => ({
            id: m.id,
            member_id: m.memberId,
            event_id: m.eventId,
            rule_id: m.ruleId,
            amount: m.amount,
            status: m.status,
          })),
        ),
        JSON.stringify(w.results.map((result) => ({ id: result.eventId, result }))),
        JSON.stringify(
          w.engineEvents.map((e) => ({
            id: e.id,
            idempotency_key: e.idempotencyKey,
            request_hash: e.requestHash,
            type: e.type,
            member_id: e.memberId,
            occurred_at: e.occurredAt,
            attributes: e.attributes,
            origin: e.origin,
            result: e.result,
          })),
        ),
        JSON.stringify(
          w.referrals.map((r) => ({
            id: r.id,
            qualifying_event_id: r.qualifyingEventId,
            referral_event_id: r.referralEventId,
          })),
        ),
        JSON.stringify(
          w.tierChanges.map((c) => ({
            id: c.id,
            member_id: c.memberId,
            from_tier: c.from,
            to_tier: c.to,
            event_id: c.eventId,
            cause: c.cause,
          })),
        ),
      ],
    );
  }
}
