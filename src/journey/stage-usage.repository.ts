import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';

/** What stops a stage from vanishing: members in it, and live rules and rewards that name it. */
@Injectable()
export class StageUsageRepository {
  async membersIn(em: EntityManager, brandId: string, stages: string[]): Promise<Map<string, number>> {
    if (stages.length === 0) {
      return new Map();
    }
    const rows = await queryRows<{ stage: string; count: string }>(
      em,
      `SELECT stage, count(*) AS count FROM members WHERE brand_id = $1 AND stage = ANY($2::text[]) GROUP BY stage`,
      [brandId, stages],
    );
    return new Map(rows.map((r) => [r.stage, Number(r.count)]));
  }

  async rulesNaming(
    em: EntityManager,
    brandId: string,
    stages: string[],
  ): Promise<Array<{ id: string; name: string }>> {
    if (stages.length === 0) {
      return [];
    }
    return queryRows(
      em,
      `SELECT id, name FROM rules
        WHERE brand_id = $1 AND status <> 'archived'
          AND (definition->'stages' ?| $2::text[] OR definition->>'advanceStage' = ANY($2::text[]) OR definition->>'setStage' = ANY($2::text[]))
        ORDER BY id`,
      [brandId, stages],
    );
  }

  async rewardsNaming(
    em: EntityManager,
    brandId: string,
    stages: string[],
  ): Promise<Array<{ id: string; name: string }>> {
    if (stages.length === 0) {
      return [];
    }
    return queryRows(
      em,
      `SELECT id, name FROM rewards WHERE brand_id = $1 AND deleted_at IS NULL AND stages && $2::text[] ORDER BY id`,
      [brandId, stages],
    );
  }
}
