import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { compileRuleSet, type CompiledRuleSet, type RuleDefinition, type StoredRule } from './engine/index.js';
import { RulesRepository } from './rules.repository.js';

/** A brand's active rules, compiled, with what the events pipeline needs to know about them up front. */
export interface CachedRuleSet {
  /** The brands.rules_version these rules were read at. */
  rulesVersion: number;
  ruleSet: CompiledRuleSet;
  rules: { id: string; version: number; definition: RuleDefinition }[];
  /** ruleId → budgetPoints, for the rules with a global budget. */
  budgets: Map<string, number>;
  /** Event types with at least one active rule that has a per-member limit or a cooldown. */
  limitedEvents: Set<string>;
}

/** What the cache needs of a brand: all of it comes with the authenticated brand, at no query. */
export interface RuleSetBrand {
  id: string;
  rulesVersion: number;
  settings: { timezone: string };
}

interface Entry {
  /** The version requested until the load finishes, then the version actually read. */
  rulesVersion: number;
  timeZone: string;
  promise: Promise<CachedRuleSet>;
}

/** Enough for every active brand of one instance; past it the least recently used is dropped. */
export const MAX_CACHED_BRANDS = 10_000;

/**
 * Compiled rule sets by brand, kept in this process. Every rule write bumps
 * brands.rules_version, and the auth guard reads that number with the brand, so checking
 * freshness costs nothing; a set is compiled once per (brand, rules version, time zone).
 * Concurrent first requests for a brand share one load.
 */
@Injectable()
export class RuleSetCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly rules: RulesRepository) {}

  async get(brand: RuleSetBrand, em: EntityManager): Promise<CachedRuleSet> {
    const entry = this.entries.get(brand.id);
    // Versions only grow: a set read at a later version than the caller saw is fresh enough.
    if (entry !== undefined && entry.timeZone === brand.settings.timezone && entry.rulesVersion >= brand.rulesVersion) {
      this.entries.delete(brand.id);
      this.entries.set(brand.id, entry);
      try {
        return await entry.promise;
      } catch {
        // That load ran in another request's transaction, which may have failed for its own reasons.
      }
    }
    return this.load(brand, em);
  }

  private load(brand: RuleSetBrand, em: EntityManager): Promise<CachedRuleSet> {
    const timeZone = brand.settings.timezone;
    const entry: Entry = { rulesVersion: brand.rulesVersion, timeZone, promise: this.compile(brand.id, timeZone, em) };
    entry.promise.then(
      (set) => (entry.rulesVersion = set.rulesVersion),
      () => {
        if (this.entries.get(brand.id) === entry) {
          this.entries.delete(brand.id);
        }
      },
    );
    this.entries.delete(brand.id);
    this.entries.set(brand.id, entry);
    if (this.entries.size > MAX_CACHED_BRANDS) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    return entry.promise;
  }

  private async compile(brandId: string, timeZone: string, em: EntityManager): Promise<CachedRuleSet> {
    const found = await this.rules.activeRuleSet(em, brandId);
    if (found === null) {
      throw new Error(`brand ${brandId} does not exist`);
    }
    const { rulesVersion, rules } = found;
    return {
      rulesVersion,
      ruleSet: compileRuleSet(rules, { timeZone }),
      rules,
      budgets: budgetsOf(rules),
      limitedEvents: limitedEventsOf(rules),
    };
  }
}

function budgetsOf(rules: readonly StoredRule[]): Map<string, number> {
  const budgets = new Map<string, number>();
  for (const { id, definition } of rules) {
    const budget = definition.limits?.budgetPoints;
    if (budget !== null && budget !== undefined) {
      budgets.set(id, budget);
    }
  }
  return budgets;
}

function limitedEventsOf(rules: readonly StoredRule[]): Set<string> {
  const events = new Set<string>();
  for (const { definition } of rules) {
    const limits = definition.limits;
    if (limits?.perMember || (limits?.cooldownSeconds ?? 0) > 0) {
      events.add(definition.event);
    }
  }
  return events;
}
