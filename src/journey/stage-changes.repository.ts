import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import type { StageChange } from './stage-change.js';

/** The stage history that analytics read: one row per move, with what caused it. */
@Injectable()
export class StageChangesRepository {
  async insert(em: EntityManager, brandId: string, changes: StageChange[]): Promise<void> {
    if (changes.length === 0) {
      return;
    }
    await em.query(
      `INSERT INTO stage_changes (brand_id, id, member_id, from_stage, to_stage, event_id, rule_id, cause)
       SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::uuid[], $7::uuid[], $8::text[])`,
      [
        brandId,
        changes.map((c) => c.id),
        changes.map((c) => c.memberId),
        changes.map((c) => c.from),
        changes.map((c) => c.to),
        changes.map((c) => c.eventId),
        changes.map((c) => c.ruleId),
        changes.map((c) => c.cause),
      ],
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
