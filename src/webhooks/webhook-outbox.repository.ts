import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import { type WriteFragment, writeTogether } from '../database/write-fragment.js';

/** One outbox row: a message for one endpoint. `id` is the message id (the `webhook-id` header). */
export interface OutboxRecord {
  endpointId: string;
  id: string;
  type: string;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
}

/**
 * The outbox's part of a combined write (the event path and every other change's transaction).
 * The join writes nothing for an endpoint disabled or deleted since the subscription cache was
 * read. No records, no fragment: nothing written and no endpoint read.
 */
export function webhookMessages(records: readonly OutboxRecord[]): WriteFragment | null {
  if (records.length === 0) {
    return null;
  }
  return {
    name: 'webhook_outbox',
    params: [
      JSON.stringify(records.map((r) => ({ endpoint_id: r.endpointId, id: r.id, type: r.type, payload: r.payload }))),
    ],
    cte: (at) =>
      `INSERT INTO webhook_messages (brand_id, endpoint_id, id, type, payload)
       SELECT $1, o.endpoint_id, o.id, o.type, o.payload
         FROM json_to_recordset($${at}::json) AS o(endpoint_id uuid, id uuid, type text, payload json)
         JOIN webhook_endpoints we ON we.brand_id = $1 AND we.id = o.endpoint_id AND we.status = 'enabled'`,
  };
}

/** A due message, claimed (row-locked) by the worker, with what it needs to sign and send it. */
export interface ClaimedMessage {
  brandId: string;
  endpointId: string;
  id: string;
  type: string;
  /** The payload's text as stored: the body sent and signed. */
  body: string;
  attempts: number;
  url: string;
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretUntil: Date | null;
  failingSince: Date | null;
}

export interface AttemptRecord {
  brandId: string;
  id: string;
  endpointId: string;
  messageId: string;
  attempt: number;
  attemptedAt: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  nextAttemptAt: Date | null;
  status: 'delivered' | 'pending' | 'failed';
}

export interface DeliveryRow {
  id: string;
  endpointId: string;
  messageId: string;
  type: string;
  attempt: number;
  attemptedAt: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  nextAttemptAt: Date | null;
}

/** webhook_messages (the outbox) and webhook_deliveries (every attempt). */
@Injectable()
export class WebhookOutboxRepository {
  /** The outbox write outside the event path: the same fragment, on its own, in the caller's transaction. */
  async insert(em: EntityManager, brandId: string, records: readonly OutboxRecord[]): Promise<void> {
    await writeTogether(em, brandId, [webhookMessages(records)]);
  }

  /**
   * Claims due messages of enabled endpoints: row locks held by the caller's transaction until
   * it records the attempts, so another worker (instance) skips them, and a worker that dies
   * mid-send releases them with its connection. The scan walks the due index in order and
   * stops at `limit`: joined to the endpoints, the planner drove from the endpoint and read
   * every message it ever had (the primary key's prefix, delivered ones too) on each claim, and
   * with bitmap scans allowed it reads every pending row and sorts; the endpoint's status is a
   * per-row lookup, and bitmap scans are off for this one statement.
   */
  async claimDue(em: EntityManager, asOf: Date, limit: number): Promise<ClaimedMessage[]> {
    await em.query(`SET LOCAL enable_bitmapscan = off`);
    const rows = await queryRows(
      em,
      `WITH due AS (
         SELECT m.brand_id, m.endpoint_id, m.id, m.type, m.payload::text AS body, m.attempts
           FROM webhook_messages m
          WHERE m.status = 'pending' AND m.next_attempt_at <= $1
            AND (SELECT e.status FROM webhook_endpoints e WHERE e.brand_id = m.brand_id AND e.id = m.endpoint_id) = 'enabled'
          ORDER BY m.next_attempt_at
          LIMIT $2
          FOR UPDATE OF m SKIP LOCKED
       )
       SELECT due.*, e.url, e.secret_sealed, e.previous_secret_sealed, e.previous_secret_until, e.failing_since
         FROM due JOIN webhook_endpoints e ON e.brand_id = due.brand_id AND e.id = due.endpoint_id`,
      [asOf, limit],
    );
    await em.query(`SET LOCAL enable_bitmapscan TO DEFAULT`);
    return rows.map((r) => ({
      brandId: r.brand_id as string,
      endpointId: r.endpoint_id as string,
      id: r.id as string,
      type: r.type as string,
      body: r.body as string,
      attempts: Number(r.attempts),
      url: r.url as string,
      secretSealed: r.secret_sealed as string,
      previousSecretSealed: (r.previous_secret_sealed as string | null) ?? null,
      previousSecretUntil: (r.previous_secret_until as Date | null) ?? null,
      failingSince: (r.failing_since as Date | null) ?? null,
    }));
  }

  /** Every attempt of a claimed batch, and each message's state after it, in two statements. */
  async recordAttempts(em: EntityManager, attempts: readonly AttemptRecord[]): Promise<void> {
    if (attempts.length === 0) {
      return;
    }
    const json = JSON.stringify(
      attempts.map((a) => ({
        brand_id: a.brandId,
        id: a.id,
        endpoint_id: a.endpointId,
        message_id: a.messageId,
        attempt: a.attempt,
        attempted_at: a.attemptedAt,
        status_code: a.statusCode,
        duration_ms: a.durationMs,
        error: a.error,
        next_attempt_at: a.nextAttemptAt,
        status: a.status,
      })),
    );
    await em.query(
      `WITH a AS (
         SELECT * FROM json_to_recordset($1::json) AS a(brand_id uuid, id uuid, endpoint_id uuid, message_id uuid,
                attempt int, attempted_at timestamptz, status_code int, duration_ms int, error text,
                next_attempt_at timestamptz, status text)
       ),
       logged AS (
         INSERT INTO webhook_deliveries (brand_id, id, endpoint_id, message_id, attempt, attempted_at, status_code,
                                         duration_ms, error, next_attempt_at)
         SELECT brand_id, id, endpoint_id, message_id, attempt, attempted_at, status_code, duration_ms, error, next_attempt_at
           FROM a
       )
       UPDATE webhook_messages m SET status = a.status, attempts = a.attempt,
              next_attempt_at = coalesce(a.next_attempt_at, m.next_attempt_at),
              delivered_at = CASE WHEN a.status = 'delivered' THEN a.attempted_at END
         FROM a WHERE m.brand_id = a.brand_id AND m.endpoint_id = a.endpoint_id AND m.id = a.message_id`,
      [json],
    );
  }

  /** An endpoint's attempts, newest first. */
  async deliveries(
    em: EntityManager,
    brandId: string,
    endpointId: string,
    before: string | undefined,
    limit: number,
  ): Promise<DeliveryRow[]> {
    const rows = await queryRows(
      em,
      `SELECT d.id, d.endpoint_id, d.message_id, m.type, d.attempt, d.attempted_at, d.status_code, d.duration_ms,
              d.error, d.next_attempt_at
         FROM webhook_deliveries d
         JOIN webhook_messages m ON m.brand_id = d.brand_id AND m.endpoint_id = d.endpoint_id AND m.id = d.message_id
        WHERE d.brand_id = $1 AND d.endpoint_id = $2 AND ($3::uuid IS NULL OR d.id < $3::uuid)
        ORDER BY d.id DESC LIMIT $4`,
      [brandId, endpointId, before ?? null, limit],
    );
    return rows.map(toDelivery);
  }

  async findDelivery(em: EntityManager, brandId: string, id: string): Promise<DeliveryRow | null> {
    const rows = await queryRows(
      em,
      `SELECT d.id, d.endpoint_id, d.message_id, m.type, d.attempt, d.attempted_at, d.status_code, d.duration_ms,
              d.error, d.next_attempt_at
         FROM webhook_deliveries d
         JOIN webhook_messages m ON m.brand_id = d.brand_id AND m.endpoint_id = d.endpoint_id AND m.id = d.message_id
        WHERE d.brand_id = $1 AND d.id = $2`,
      [brandId, id],
    );
    return rows.length ? toDelivery(rows[0]) : null;
  }

  /** A message due again now (a redelivery): the same id, so a receiver still sees one message. */
  async requeue(em: EntityManager, brandId: string, endpointId: string, messageId: string, at: Date): Promise<void> {
    await em.query(
      `UPDATE webhook_messages SET status = 'pending', next_attempt_at = $4, delivered_at = NULL
        WHERE brand_id = $1 AND endpoint_id = $2 AND id = $3`,
      [brandId, endpointId, messageId, at],
    );
  }

  /** A deleted endpoint's messages and attempts go with it. */
  async deleteForEndpoint(em: EntityManager, brandId: string, endpointId: string): Promise<void> {
    await em.query(`DELETE FROM webhook_deliveries WHERE brand_id = $1 AND endpoint_id = $2`, [brandId, endpointId]);
    await em.query(`DELETE FROM webhook_messages WHERE brand_id = $1 AND endpoint_id = $2`, [brandId, endpointId]);
  }
}

function toDelivery(r: Record<string, unknown>): DeliveryRow {
  return {
    id: r.id as string,
    endpointId: r.endpoint_id as string,
    messageId: r.message_id as string,
    type: r.type as string,
    attempt: Number(r.attempt),
    attemptedAt: r.attempted_at as Date,
    statusCode: r.status_code === null ? null : Number(r.status_code),
    durationMs: Number(r.duration_ms),
    error: (r.error as string | null) ?? null,
    nextAttemptAt: (r.next_attempt_at as Date | null) ?? null,
  };
}
