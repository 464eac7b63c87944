import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryPrepared, queryRows } from '../database/query-rows.js';
import type { WriteFragment } from '../database/write-fragment.js';
import type { PurchaseEarnings } from '../ledger/refund-reversal.js';
import type { EventResult } from './event-effects.js';

export interface NewEvent {
  id: string;
  idempotencyKey: string;
  requestHash: string;
  type: string;
  memberId: string;
  occurredAt: Date;
  attributes: Record<string, unknown>;
  origin: string;
  /** The member's stage when the event came in (before this list's events moved it). */
  stage?: string | null;
}

@Injectable()
export class EventsRepository {
  /**
   * Inserts events whose key is new; answers the keys inserted. A key that another
   * transaction is inserting makes this wait for it, so a replay always sees the first answer.
   */
  async insertNew(em: EntityManager, brandId: string, events: NewEvent[]): Promise<Set<string>> {
    if (events.length === 0) {
      return new Set();
    }
    const rows = await queryPrepared<{ idempotency_key: string }>(
      em,
      `INSERT INTO events (brand_id, id, idempotency_key, request_hash, type, member_id, occurred_at, attributes, origin, stage)
       SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::timestamptz[], $8::jsonb[], $9::text[], $10::text[])
       ON CONFLICT (brand_id, idempotency_key) DO NOTHING
       RETURNING idempotency_key`,
      [
        brandId,
        events.map((e) => e.id),
        events.map((e) => e.idempotencyKey),
        events.map((e) => e.requestHash),
        events.map((e) => e.type),
        events.map((e) => e.memberId),
        events.map((e) => e.occurredAt),
        events.map((e) => JSON.stringify(e.attributes)),
        events.map((e) => e.origin),
        events.map((e) => e.stage ?? null),
      ],
    );
    return new Set(rows.map((r) => r.idempotency_key));
  }

  /**
   * A past written set-based (the Demo brand's history, the bench): `select` is trusted SQL that
   * yields id, idempotency_key, request_hash, type, member_id, occurred_at, attributes, origin,
   * stage and created_at; $1 is the brand, `params` follow from $2.
   */
  async insertHistory(em: EntityManager, brandId: string, select: string, params: unknown[] = []): Promise<void> {
    await em.query(
      `INSERT INTO events (brand_id, id, idempotency_key, request_hash, type, member_id, occurred_at, attributes, origin, stage, created_at)
       SELECT $1, s.id, s.idempotency_key, s.request_hash, s.type, s.member_id, s.occurred_at, s.attributes, s.origin, s.stage, s.created_at
         FROM (${select}) s`,
      [brandId, ...params],
    );
  }

  async findByKeys(
    em: EntityManager,
    brandId: string,
    keys: string[],
  ): Promise<Map<string, { requestHash: string; result: EventResult | null }>> {
    if (keys.length === 0) {
      return new Map();
    }
    const rows = await queryRows<{ idempotency_key: string; request_hash: string; result: EventResult | null }>(
      em,
      `SELECT idempotency_key, request_hash, result FROM events WHERE brand_id = $1 AND idempotency_key = ANY($2::text[])`,
      [brandId, keys],
    );
    return new Map(rows.map((r) => [r.idempotency_key, { requestHash: r.request_hash, result: r.result }]));
  }

  /**
   * For refunds: each (member, orderId)'s purchase — its amount, the points it earned by status
   * now, the points earlier refunds of it took back and the amount they refunded. Events of the
   * current transaction have no stored answer yet, so they are not counted as earlier refunds.
   */
  async refundTargets(
    em: EntityManager,
    brandId: string,
    orders: Array<{ memberId: string; orderId: string }>,
  ): Promise<Map<string, RefundTarget>> {
    if (orders.length === 0) {
      return new Map();
    }
    const rows = await queryRows(
      em,
      `SELECT p.member_id, p.attributes->>'orderId' AS order_id, p.attributes->>'amount' AS amount,
              coalesce(sum(l.points) FILTER (WHERE l.status = 'pending'), 0) AS earned_pending,
              coalesce(sum(l.points) FILTER (WHERE l.status = 'available'), 0) AS earned_available,
              max(l.available_at) FILTER (WHERE l.status = 'pending') AS pending_until,
              (SELECT coalesce(-sum(x.points), 0) FROM ledger_entries x JOIN events r ON r.brand_id = x.brand_id AND r.id = x.event_id
                WHERE x.brand_id = p.brand_id AND x.member_id = p.member_id AND x.kind = 'reverse' AND r.type = 'refund'
                  AND r.attributes->>'orderId' = p.attributes->>'orderId') AS reversed,
              (SELECT coalesce(sum((r.attributes->>'amount')::numeric), 0)::text FROM events r
                WHERE r.brand_id = p.brand_id AND r.member_id = p.member_id AND r.type = 'refund' AND r.result IS NOT NULL
                  AND r.attributes->>'orderId' = p.attributes->>'orderId') AS refunded
         FROM events p
         LEFT JOIN ledger_entries l ON l.brand_id = p.brand_id AND l.member_id = p.member_id AND l.event_id = p.id AND l.kind = 'earn'
        WHERE p.brand_id = $1 AND p.type = 'purchase'
          AND (p.member_id, p.attributes->>'orderId') IN (SELECT * FROM unnest($2::uuid[], $3::text[]))
        GROUP BY p.brand_id, p.id, p.member_id, p.attributes`,
      [brandId, orders.map((o) => o.memberId), orders.map((o) => o.orderId)],
    );
    return new Map(
      rows.map((r) => [
        `${r.member_id as string}:${r.order_id as string}`,
        {
          amount: String(r.amount),
          earnedPending: Number(r.earned_pending),
          earnedAvailable: Number(r.earned_available),
          reversed: Number(r.reversed),
          refunded: r.refunded as string,
          pendingUntil: (r.pending_until as Date | null) ?? null,
        },
      ]),
    );
  }
}

/** A purchase a refund names, with what earlier refunds already did to it. */
export interface RefundTarget extends PurchaseEarnings {
  /** Decimal string: the amount refunded by earlier refunds of this order. */
  refunded: string;
  /** When the purchase's pending points mature: a pending reversal matures with them. */
  pendingUntil: Date | null;
}

/** Events the engine made (a referrer's `referral`), stored with their answer, in an event write. */
export function engineEvents(events: Array<NewEvent & { result: EventResult }>): WriteFragment | null {
  if (events.length === 0) {
    return null;
  }
  return {
    name: 'engine_events',
    params: [
      JSON.stringify(
        events.map((e) => ({
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
    ],
    cte: (at) =>
      `INSERT INTO events (brand_id, id, idempotency_key, request_hash, type, member_id, occurred_at, attributes, origin, result)
       SELECT $1, v.id, v.idempotency_key, v.request_hash, v.type, v.member_id, v.occurred_at, v.attributes, v.origin, v.result
         FROM json_to_recordset($${at}::json) AS v(id uuid, idempotency_key text, request_hash text, type text, member_id uuid,
              occurred_at timestamptz, attributes jsonb, origin text, result jsonb)`,
  };
}

/** The answers of the events a list applied, stored for replays of their keys. */
export function eventAnswers(results: EventResult[]): WriteFragment | null {
  if (results.length === 0) {
    return null;
  }
  return {
    name: 'answers',
    params: [
      JSON.stringify(results.map((result) => ({ id: result.eventId, result }))),
      // The ids as an array the planner can count: against the JSON's guess of 100 rows it would
      // hash-join a scan of every event of the brand, a cost that grows with the table.
      results.map((r) => r.eventId),
    ],
    cte: (at) =>
      `UPDATE events e SET result = r.result
         FROM json_to_recordset($${at}::json) AS r(id uuid, result jsonb)
        WHERE e.brand_id = $1 AND e.id = ANY($${at + 1}::uuid[]) AND e.id = r.id`,
  };
}
