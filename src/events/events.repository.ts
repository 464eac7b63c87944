import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
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
}

@Injectable()
export class EventsRepository {
  /**
   * Inserts events whose key is new; answers the keys inserted. A key that another
   * transaction is inserting makes this wait for it, so a replay always sees the first answer.
   */
  async insertNew(em: EntityManager, brandId: string, events: NewEvent[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const rows = await queryRows<{ idempotency_key: string }>(
      em,
      `INSERT INTO events (brand_id, id, idempotency_key, request_hash, type, member_id, occurred_at, attributes, origin)
       SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::timestamptz[], $8::jsonb[], $9::text[])
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
      ],
    );
    return new Set(rows.map((r) => r.idempotency_key));
  }

  async findByKeys(em: EntityManager, brandId: string, keys: string[]): Promise<Map<string, { requestHash: string; result: EventResult | null }>> {
    if (keys.length === 0) return new Map();
    const rows = await queryRows<{ idempotency_key: string; request_hash: string; result: EventResult | null }>(
      em,
      `SELECT idempotency_key, request_hash, result FROM events WHERE brand_id = $1 AND idempotency_key = ANY($2::text[])`,
      [brandId, keys],
    );
    return new Map(rows.map((r) => [r.idempotency_key, { requestHash: r.request_hash, result: r.result }]));
  }
}
