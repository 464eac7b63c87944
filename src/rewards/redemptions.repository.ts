import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryPrepared, queryRows } from '../database/query-rows.js';
import type { Redemption, RedemptionStatus } from './redemption.js';
import type { RewardKind } from './reward.js';

const COLUMNS = `brand_id, id, member_id, reward_id, kind, status, idempotency_key, request_hash, cost_points, code_id, code,
  content_url, perk_text, ledger_entry_id, cancel_ledger_entry_id, spent_lots, created_at, cancelled_at`;

export interface RedemptionFilter {
  memberId?: string;
  rewardId?: string;
  status?: RedemptionStatus;
  /** The last id of the previous page (the list runs newest first). */
  before?: string;
  limit: number;
}

/** Redemptions. The idempotency key is unique per brand (constraint redemptions_idempotency). */
@Injectable()
export class RedemptionsRepository {
  /** `result` is the first answer, kept for replays of the idempotency key. */
  async insert(em: EntityManager, r: Redemption, result: unknown): Promise<void> {
    await queryPrepared(
      em,
      `INSERT INTO redemptions (brand_id, id, member_id, reward_id, kind, status, idempotency_key, request_hash, cost_points, code_id, code,
                                content_url, perk_text, ledger_entry_id, result, created_at, spent_lots)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        r.brandId,
        r.id,
        r.memberId,
        r.rewardId,
        r.kind,
        r.status,
        r.idempotencyKey,
        r.requestHash,
        r.costPoints,
        r.codeId,
        r.code,
        r.contentUrl,
        r.perkText,
        r.ledgerEntryId,
        JSON.stringify(result),
        r.createdAt,
        JSON.stringify(r.spentLots),
      ],
    );
  }

  async findByKey<T>(
    em: EntityManager,
    brandId: string,
    key: string,
  ): Promise<{ requestHash: string; result: T } | null> {
    const rows = await queryPrepared<{ request_hash: string; result: T }>(
      em,
      `SELECT request_hash, result FROM redemptions WHERE brand_id = $1 AND idempotency_key = $2`,
      [brandId, key],
    );
    return rows.length ? { requestHash: rows[0].request_hash, result: rows[0].result } : null;
  }

  async find(em: EntityManager, brandId: string, id: string): Promise<Redemption | null> {
    const rows = await queryRows(em, `SELECT ${COLUMNS} FROM redemptions WHERE brand_id = $1 AND id = $2`, [
      brandId,
      id,
    ]);
    return rows.length ? toRedemption(rows[0]) : null;
  }

  /** The member's live redemptions of each reward named: what per-member limits count. */
  async countLive(
    em: EntityManager,
    brandId: string,
    memberId: string,
    rewardIds: string[],
  ): Promise<Map<string, number>> {
    if (rewardIds.length === 0) {
      return new Map();
    }
    const rows = await queryPrepared<{ reward_id: string; n: number }>(
      em,
      `SELECT reward_id, count(*)::int AS n FROM redemptions
        WHERE brand_id = $1 AND member_id = $2 AND reward_id = ANY($3::uuid[]) AND status = 'completed'
        GROUP BY reward_id`,
      [brandId, memberId, rewardIds],
    );
    return new Map(rows.map((r) => [r.reward_id, r.n]));
  }

  async list(em: EntityManager, brandId: string, f: RedemptionFilter): Promise<Redemption[]> {
    const rows = await queryRows(
      em,
      `SELECT ${COLUMNS} FROM redemptions
        WHERE brand_id = $1
          AND ($2::uuid IS NULL OR member_id = $2::uuid)
          AND ($3::uuid IS NULL OR reward_id = $3::uuid)
          AND ($4::text IS NULL OR status = $4)
          AND ($5::uuid IS NULL OR id < $5::uuid)
        ORDER BY id DESC LIMIT $6`,
      [brandId, f.memberId ?? null, f.rewardId ?? null, f.status ?? null, f.before ?? null, f.limit],
    );
    return rows.map(toRedemption);
  }

  /** Completed → cancelled; false when it was cancelled already (the caller then refuses). */
  async markCancelled(
    em: EntityManager,
    brandId: string,
    id: string,
    cancelLedgerEntryId: string,
    at: Date,
  ): Promise<boolean> {
    const rows = await queryRows(
      em,
      `UPDATE redemptions SET status = 'cancelled', cancelled_at = $3, cancel_ledger_entry_id = $4
        WHERE brand_id = $1 AND id = $2 AND status = 'completed' RETURNING id`,
      [brandId, id, at, cancelLedgerEntryId],
    );
    return rows.length > 0;
  }
}

function toRedemption(r: Record<string, unknown>): Redemption {
  return {
    spentLots: (r.spent_lots as Redemption['spentLots'] | null) ?? [],
    brandId: r.brand_id as string,
    id: r.id as string,
    memberId: r.member_id as string,
    rewardId: r.reward_id as string,
    kind: r.kind as RewardKind,
    status: r.status as RedemptionStatus,
    idempotencyKey: r.idempotency_key as string,
    requestHash: r.request_hash as string,
    costPoints: Number(r.cost_points),
    codeId: (r.code_id as string | null) ?? null,
    code: (r.code as string | null) ?? null,
    contentUrl: (r.content_url as string | null) ?? null,
    perkText: (r.perk_text as string | null) ?? null,
    ledgerEntryId: r.ledger_entry_id as string,
    cancelLedgerEntryId: (r.cancel_ledger_entry_id as string | null) ?? null,
    createdAt: r.created_at as Date,
    cancelledAt: (r.cancelled_at as Date | null) ?? null,
  };
}
