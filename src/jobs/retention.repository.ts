import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';

/** What the retention scan reads besides the member rows: purchase months and keys already used. */
@Injectable()
export class RetentionRepository {
  /**
   * For each member, the windows [bounds[i], bounds[i + 1]) holding at least one of their
   * purchases (by occurred_at), as indexes i. One statement for a batch of members; the
   * boundaries (local month starts) are worked out by the caller in the brand's time zone.
   */
  async purchaseWindows(
    em: EntityManager,
    brandId: string,
    memberIds: string[],
    bounds: Date[],
  ): Promise<Map<string, Set<number>>> {
    const byMember = new Map<string, Set<number>>();
    if (memberIds.length === 0 || bounds.length < 2) {
      return byMember;
    }
    const rows = await queryRows<{ member_id: string; bucket: number }>(
      em,
      // width_bucket answers i + 1 for bounds[i] <= t < bounds[i + 1]
      `SELECT DISTINCT member_id, width_bucket(occurred_at, $3::timestamptz[]) - 1 AS bucket
         FROM events
        WHERE brand_id = $1 AND member_id = ANY($2::uuid[]) AND type = 'purchase'
          AND occurred_at >= $4 AND occurred_at < $5`,
      [brandId, memberIds, bounds, bounds[0], bounds[bounds.length - 1]],
    );
    for (const r of rows) {
      let windows = byMember.get(r.member_id);
      if (!windows) {
        byMember.set(r.member_id, (windows = new Set()));
      }
      windows.add(Number(r.bucket));
    }
    return byMember;
  }

  /**
   * The idempotency keys among these that an event of the brand already holds. Read without
   * locks, so it only spares the pipeline (and the members' row locks) the findings a former scan
   * already made; the pipeline's unique key still decides.
   */
  async usedKeys(em: EntityManager, brandId: string, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) {
      return new Set();
    }
    const rows = await queryRows<{ idempotency_key: string }>(
      em,
      `SELECT idempotency_key FROM events WHERE brand_id = $1 AND idempotency_key = ANY($2::text[])`,
      [brandId, keys],
    );
    return new Set(rows.map((r) => r.idempotency_key));
  }
}
