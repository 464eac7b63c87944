import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import type { RuleUsage } from '../rules/engine/index.js';

/** The state limits need: per-member usage of each rule, and the rules' global budget counters. */
@Injectable()
export class RuleUsageRepository {
  /** Usage by member id, then rule id. Read under the members' row locks, so it cannot move meanwhile. */
  async usageOf(em: EntityManager, brandId: string, memberIds: string[]): Promise<Map<string, Map<string, RuleUsage>>> {
    const byMember = new Map<string, Map<string, RuleUsage>>();
    if (memberIds.length === 0) {
      return byMember;
    }
    const rows = await queryRows(
      em,
      `SELECT member_id, rule_id, period_start, count, points, last_fired_at FROM rule_usage WHERE brand_id = $1 AND member_id = ANY($2::uuid[])`,
      [brandId, memberIds],
    );
    for (const r of rows) {
      let usage = byMember.get(r.member_id as string);
      if (!usage) {
        byMember.set(r.member_id as string, (usage = new Map()));
      }
      usage.set(r.rule_id as string, {
        periodStart: r.period_start as Date,
        count: Number(r.count),
        points: Number(r.points),
        lastFiredAt: (r.last_fired_at as Date | null) ?? null,
      });
    }
    return byMember;
  }

  /**
   * Locks the budget counters of the given rules (in id order, after the member locks, so
   * lock order is the same in every transaction) and answers points spent per rule.
   */
  async lockBudgets(em: EntityManager, brandId: string, ruleIds: string[]): Promise<Map<string, number>> {
    if (ruleIds.length === 0) {
      return new Map();
    }
    const rows = await queryRows<{ id: string; budget_spent: string }>(
      em,
      `SELECT id, budget_spent FROM rules WHERE brand_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
      [brandId, [...ruleIds].sort()],
    );
    return new Map(rows.map((r) => [r.id, Number(r.budget_spent)]));
  }

  /** Points spent per budgeted rule, without a lock (simulation). */
  async spentOf(em: EntityManager, brandId: string, ruleIds: string[]): Promise<Map<string, number>> {
    if (ruleIds.length === 0) {
      return new Map();
    }
    const rows = await queryRows<{ id: string; budget_spent: string }>(
      em,
      `SELECT id, budget_spent FROM rules WHERE brand_id = $1 AND id = ANY($2::uuid[])`,
      [brandId, ruleIds],
    );
    return new Map(rows.map((r) => [r.id, Number(r.budget_spent)]));
  }
}
