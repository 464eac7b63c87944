import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';

/**
 * Pending ledger entries that have come due. The one UPDATE the ledger ever sees, and only of
 * `status`: the points of an entry never change (the ledger stays append-only in points).
 */
@Injectable()
export class PendingPointsRepository {
  /** Members with a pending entry due by `now`, in id order after `afterId` (keyset pages). */
  async membersDue(
    em: EntityManager,
    brandId: string,
    now: Date,
    afterId: string | null,
    limit: number,
  ): Promise<string[]> {
    const rows = await queryRows<{ member_id: string }>(
      em,
      `SELECT DISTINCT member_id FROM ledger_entries
        WHERE brand_id = $1 AND status = 'pending' AND available_at <= $2
          AND ($3::uuid IS NULL OR member_id > $3::uuid)
        ORDER BY member_id LIMIT $4`,
      [brandId, now, afterId, limit],
    );
    return rows.map((r) => r.member_id);
  }

  /**
   * Makes these members' due entries available; answers the points (and entries) moved per
   * member. The members must be locked: their balances move by the same amounts.
   */
  async matureDue(
    em: EntityManager,
    brandId: string,
    memberIds: string[],
    now: Date,
  ): Promise<Map<string, { entries: number; points: number }>> {
    if (memberIds.length === 0) {
      return new Map();
    }
    const rows = await queryRows<{ member_id: string; entries: string; points: string }>(
      em,
      `WITH matured AS (
         UPDATE ledger_entries SET status = 'available'
          WHERE brand_id = $1 AND member_id = ANY($2::uuid[]) AND status = 'pending' AND available_at <= $3
          RETURNING member_id, points)
       SELECT member_id, count(*) AS entries, sum(points) AS points FROM matured GROUP BY member_id`,
      [brandId, memberIds, now],
    );
    return new Map(rows.map((r) => [r.member_id, { entries: Number(r.entries), points: Number(r.points) }]));
  }
}
