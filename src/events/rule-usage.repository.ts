import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryPrepared, queryRows } from '../database/query-rows.js';
import type { WriteFragment } from '../database/write-fragment.js';
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
    const rows = await queryPrepared(
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

/** Rule usage's part of an event write: each (member, rule)'s usage after the list. */
export function ruleUsageRows(
  usage: Array<{ memberId: string; ruleId: string; usage: RuleUsage }>,
): WriteFragment | null {
  if (usage.length === 0) {
    return null;
  }
  return {
    name: 'usage',
    params: [
      JSON.stringify(
        usage.map((u) => ({
          member_id: u.memberId,
          rule_id: u.ruleId,
          period_start: u.usage.periodStart,
          count: u.usage.count,
          points: u.usage.points,
          last_fired_at: u.usage.lastFiredAt,
        })),
      ),
    ],
    cte: (at) =>
      `INSERT INTO rule_usage (brand_id, member_id, rule_id, period_start, count, points, last_fired_at)
       SELECT $1, u.member_id, u.rule_id, u.period_start, u.count, u.points, u.last_fired_at
         FROM json_to_recordset($${at}::json) AS u(member_id uuid, rule_id uuid, period_start timestamptz, count int, points bigint, last_fired_at timestamptz)
       ON CONFLICT (brand_id, member_id, rule_id) DO UPDATE
         SET period_start = EXCLUDED.period_start, count = EXCLUDED.count, points = EXCLUDED.points, last_fired_at = EXCLUDED.last_fired_at`,
  };
}

/** Points each budgeted rule may still award: its budget less what it spent, never below zero. */
export function budgetsLeft(
  budgets: ReadonlyMap<string, number>,
  spent: ReadonlyMap<string, number>,
  ruleIds: string[],
): Map<string, number> {
  return new Map(ruleIds.map((id) => [id, Math.max(0, budgets.get(id)! - (spent.get(id) ?? 0))]));
}
