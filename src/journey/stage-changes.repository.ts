import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import { type WriteFragment, writeTogether } from '../database/write-fragment.js';
import type { StageChange } from './stage-change.js';

/** The stage history that analytics read: one row per move, with what caused it. */
@Injectable()
export class StageChangesRepository {
  async insert(em: EntityManager, brandId: string, changes: StageChange[]): Promise<void> {
    await writeTogether(em, brandId, [stageChanges(changes)]);
  }

  /**
   * A past written set-based (the Demo brand's history, the bench): `select` is trusted SQL that
   * yields id, member_id, from_stage, to_stage, cause and created_at; $1 is the brand, `params`
   * follow from $2.
   */
  async insertHistory(em: EntityManager, brandId: string, select: string, params: unknown[] = []): Promise<void> {
    await em.query(
      `INSERT INTO stage_changes (brand_id, id, member_id, from_stage, to_stage, cause, created_at)
       SELECT $1, s.id, s.member_id, s.from_stage, s.to_stage, s.cause, s.created_at FROM (${select}) s`,
      [brandId, ...params],
    );
  }

  async listForMember(em: EntityManager, brandId: string, memberId: string): Promise<StageChange[]> {
    const rows = await queryRows(
      em,
      `SELECT id, member_id, from_stage, to_stage, event_id, rule_id, cause, created_at
         FROM stage_changes WHERE brand_id = $1 AND member_id = $2 ORDER BY id`,
      [brandId, memberId],
    );
    return rows.map((r) => ({
      id: r.id as string,
      memberId: r.member_id as string,
      from: (r.from_stage as string | null) ?? null,
      to: r.to_stage as string,
      eventId: (r.event_id as string | null) ?? null,
      ruleId: (r.rule_id as string | null) ?? null,
      cause: r.cause as string,
      at: r.created_at as Date,
    }));
  }
}

/** The stage history's part of a combined write: one row per move. */
export function stageChanges(changes: StageChange[]): WriteFragment | null {
  if (changes.length === 0) {
    return null;
  }
  return {
    name: 'stage_history',
    params: [
      JSON.stringify(
        changes.map((c) => ({
          id: c.id,
          member_id: c.memberId,
          from_stage: c.from,
          to_stage: c.to,
          event_id: c.eventId,
          rule_id: c.ruleId,
          cause: c.cause,
        })),
      ),
    ],
    cte: (at) =>
      `INSERT INTO stage_changes (brand_id, id, member_id, from_stage, to_stage, event_id, rule_id, cause)
       SELECT $1, c.id, c.member_id, c.from_stage, c.to_stage, c.event_id, c.rule_id, c.cause
         FROM json_to_recordset($${at}::json) AS c(id uuid, member_id uuid, from_stage text, to_stage text, event_id uuid, rule_id uuid, cause text)`,
  };
}
