import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import { type WriteFragment, writeTogether } from '../database/write-fragment.js';
import type { TierChange } from './tier-change.js';

/** Tier history, and the members that hold a tier (what the nightly recalculation visits). */
@Injectable()
export class TierChangesRepository {
  async insert(em: EntityManager, brandId: string, changes: TierChange[]): Promise<void> {
    await writeTogether(em, brandId, [tierChanges(changes)]);
  }

  /** Members holding a tier, in id order after `afterId` (keyset pages). */
  async tieredMembers(em: EntityManager, brandId: string, afterId: string | null, limit: number): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      em,
      `SELECT id FROM members WHERE brand_id = $1 AND tier IS NOT NULL AND ($2::uuid IS NULL OR id > $2::uuid) ORDER BY id LIMIT $3`,
      [brandId, afterId, limit],
    );
    return rows.map((r) => r.id);
  }
}

/** The tier history's part of a combined write: one row per move. */
export function tierChanges(changes: TierChange[]): WriteFragment | null {
  if (changes.length === 0) {
    return null;
  }
  return {
    name: 'tier_history',
    params: [
      JSON.stringify(
        changes.map((c) => ({
          id: c.id,
          member_id: c.memberId,
          from_tier: c.from,
          to_tier: c.to,
          event_id: c.eventId,
          cause: c.cause,
        })),
      ),
    ],
    cte: (at) =>
      `INSERT INTO tier_changes (brand_id, id, member_id, from_tier, to_tier, event_id, cause)
       SELECT $1, c.id, c.member_id, c.from_tier, c.to_tier, c.event_id, c.cause
         FROM json_to_recordset($${at}::json) AS c(id uuid, member_id uuid, from_tier text, to_tier text, event_id uuid, cause text)`,
  };
}
