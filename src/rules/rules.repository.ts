import { Injectable } from '@nestjs/common';
import { type EntityManager, LessThan, MoreThan } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import type { WriteFragment } from '../database/write-fragment.js';
import type { RuleDefinition, RuleStatus, StoredRule } from './engine/index.js';
import { RuleVersion } from './rule-version.entity.js';
import { Rule } from './rule.entity.js';

export interface RuleFilter {
  status?: RuleStatus;
  event?: string;
  /** Rules created after this id (the cursor). */
  after?: string;
  limit: number;
}

/** SQL for rules and their versions. Every method takes the caller's EntityManager (its transaction). */
@Injectable()
export class RulesRepository {
  async insertRule(em: EntityManager, brandId: string, id: string, definition: RuleDefinition): Promise<Rule> {
    const now = new Date();
    const rule: Rule = Object.assign(new Rule(), {
      brandId,
      id,
      version: 1,
      ...columnsOf(definition),
      budgetSpent: 0,
      createdAt: now,
      updatedAt: now,
    });
    await queryRows(
      em,
      `INSERT INTO rules (brand_id, id, version, name, event_type, status, definition, budget_spent, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, 0, $8, $8)`,
      [brandId, id, rule.version, rule.name, rule.eventType, rule.status, JSON.stringify(definition), now],
    );
    return rule;
  }

  /** `lock`: the caller will write a new version, so concurrent edits of one rule queue up. */
  findRule(em: EntityManager, brandId: string, id: string, lock = false): Promise<Rule | null> {
    return em
      .getRepository(Rule)
      .findOne({ where: { brandId, id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  /** Oldest first (ids are time-ordered); `limit` rows at most. */
  listRules(em: EntityManager, brandId: string, filter: RuleFilter): Promise<Rule[]> {
    return em.getRepository(Rule).find({
      where: {
        brandId,
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.event ? { eventType: filter.event } : {}),
        ...(filter.after ? { id: MoreThan(filter.after) } : {}),
      },
      order: { id: 'ASC' },
      take: filter.limit,
    });
  }

  async updateRule(em: EntityManager, rule: Rule, version: number, definition: RuleDefinition): Promise<Rule> {
    const updated: Rule = Object.assign(new Rule(), rule, { version, ...columnsOf(definition), updatedAt: new Date() });
    await queryRows(
      em,
      `UPDATE rules SET version = $3, name = $4, event_type = $5, status = $6, definition = $7::jsonb, updated_at = $8
        WHERE brand_id = $1 AND id = $2`,
      [
        rule.brandId,
        rule.id,
        version,
        updated.name,
        updated.eventType,
        updated.status,
        JSON.stringify(definition),
        updated.updatedAt,
      ],
    );
    return updated;
  }

  /** Records the rule's current version in its history. */
  async insertVersion(em: EntityManager, rule: Rule, changedBy: string): Promise<void> {
    await queryRows(
      em,
      `INSERT INTO rule_versions (brand_id, rule_id, version, definition, changed_by, created_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6)`,
      [rule.brandId, rule.id, rule.version, JSON.stringify(rule.definition), changedBy, rule.updatedAt],
    );
  }

  /** Newest first; `before` is the cursor (a version number). */
  listVersions(
    em: EntityManager,
    brandId: string,
    ruleId: string,
    before: number | null,
    limit: number,
  ): Promise<RuleVersion[]> {
    return em.getRepository(RuleVersion).find({
      where: { brandId, ruleId, ...(before !== null ? { version: LessThan(before) } : {}) },
      order: { version: 'DESC' },
      take: limit,
    });
  }

  findVersion(em: EntityManager, brandId: string, ruleId: string, version: number): Promise<RuleVersion | null> {
    return em.getRepository(RuleVersion).findOneBy({ brandId, ruleId, version });
  }

  async ruleNames(em: EntityManager, brandId: string): Promise<Set<string>> {
    const rows = await queryRows<{ name: string }>(em, `SELECT name FROM rules WHERE brand_id = $1`, [brandId]);
    return new Set(rows.map((r) => r.name));
  }

  /** Locks the brand row: writers that check the brand's rules as a whole (templates) run one at a time. */
  async lockBrandRules(em: EntityManager, brandId: string): Promise<void> {
    await queryRows(em, `SELECT id FROM brands WHERE id = $1 FOR UPDATE`, [brandId]);
  }

  /**
   * The brand's active rules and the rules_version they belong to, in ONE statement so both
   * come from the same snapshot. Null when there is no such brand.
   */
  async activeRuleSet(
    em: EntityManager,
    brandId: string,
  ): Promise<{ rulesVersion: number; rules: StoredRule[] } | null> {
    const rows = await queryRows<{
      rules_version: number;
      id: string | null;
      version: number | null;
      definition: RuleDefinition | null;
    }>(
      em,
      `SELECT b.rules_version, r.id, r.version, r.definition
         FROM brands b
         LEFT JOIN rules r ON r.brand_id = b.id AND r.status = 'active'
        WHERE b.id = $1`,
      [brandId],
    );
    if (rows.length === 0) {
      return null;
    }
    const rules = rows
      .filter((r) => r.id !== null)
      .map((r) => ({ id: r.id!, version: r.version!, definition: r.definition! }));
    return { rulesVersion: rows[0].rules_version, rules };
  }
}

function columnsOf(definition: RuleDefinition): Pick<Rule, 'name' | 'eventType' | 'status' | 'definition'> {
  return { name: definition.name, eventType: definition.event, status: definition.status, definition };
}

/** The rules' part of an event write: points each budgeted rule spent, added to its counter. */
export function budgetSpent(spent: Map<string, number>): WriteFragment | null {
  if (spent.size === 0) {
    return null;
  }
  return {
    name: 'budgets',
    params: [JSON.stringify([...spent].map(([id, points]) => ({ id, points })))],
    cte: (at) =>
      `UPDATE rules r SET budget_spent = r.budget_spent + s.points
         FROM json_to_recordset($${at}::json) AS s(id uuid, points bigint)
        WHERE r.brand_id = $1 AND r.id = s.id`,
  };
}
