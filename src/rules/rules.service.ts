import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { BrandKeyCache } from '../brands/brand-key.cache.js';
import { BrandsRepository } from '../brands/brands.repository.js';
import { enabledChain } from '../chain/chain-settings.js';
import { validationFailed } from '../common/errors/domain-error.js';
import { type Page, toPage } from '../common/http/pagination.js';
import { isUuid, newId } from '../common/ids.js';
import type { JourneyStage } from '../journey/stages.js';
import type { ListRulesQuery } from './dto/list-rules.query.js';
import type { RuleVersionPage, RuleVersionView, RuleView, TemplateResult } from './dto/rule.dto.js';
import { toRuleVersionView } from './dto/rule-version.view.js';
import { toRuleView } from './dto/rule.view.js';
import { type RuleDefinition, type RuleStatus, validateRule } from './engine/index.js';
import { RuleErrors } from './rule-errors.js';
import type { Rule } from './rule.entity.js';
import { RulesRepository } from './rules.repository.js';
import { loyaltyLoopFor } from './templates/loyalty-loop.js';

const DEFAULT_PAGE = 50;

// versions are int4 in the database
const MAX_INT4 = 2_147_483_647;

/**
 * A brand's reward rules (DESIGN §3). Every change writes a new version and bumps
 * brands.rules_version in the same transaction: that bump is how every instance's
 * RuleSetCache learns that its compiled rules are stale.
 */

@Injectable()
export class RulesService {
  constructor(
    private readonly db: DataSource,
    private readonly rules: RulesRepository,
    private readonly keys: BrandKeyCache,
    private readonly brands: BrandsRepository,
  ) {}

  /** A transaction that may bump the brand's rules_version; once committed, this instance reads the brand afresh. */
  private async changeRules<T>(brandId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(work);
    this.keys.forgetBrand(brandId);
    return result;
  }

  async createRule(brand: AuthenticatedBrand, body: unknown): Promise<RuleView> {
    const definition = validDefinition(body, brand);
    return this.changeRules(brand.id, async (em) => {
      const rule = await this.insertRule(em, brand.id, definition, actorOf(brand));
      await this.brands.bumpRulesVersion(em, brand.id);
      return toRuleView(rule);
    });
  }

  async listRules(brandId: string, query: ListRulesQuery): Promise<Page<RuleView>> {
    if (query.cursor !== undefined && !isUuid(query.cursor)) {
      throw validationFailed([{ path: 'cursor', message: 'must be a nextCursor from a previous page' }]);
    }
    const limit = query.limit ?? DEFAULT_PAGE;
    const rows = await this.rules.listRules(this.db.manager, brandId, {
      status: query.status,
      event: query.event,
      after: query.cursor?.toLowerCase(),
      limit: limit + 1,
    });
    return toPage(rows.map(toRuleView), limit);
  }

  async getRule(brandId: string, id: string): Promise<RuleView> {
    return toRuleView(await this.existingRule(this.db.manager, brandId, id));
  }

  /** Full replacement of the definition: a new version. */
  async replaceRule(brand: AuthenticatedBrand, id: string, body: unknown): Promise<RuleView> {
    const definition = validDefinition(body, brand);
    return this.changeRules(brand.id, async (em) => {
      const rule = await this.existingRule(em, brand.id, id, true);
      if (rule.status === 'archived') {
        throw RuleErrors.archived(id);
      }
      return toRuleView(await this.writeVersion(em, rule, definition, actorOf(brand)));
    });
  }

  /** Pause, activate or archive. Asking for the status a rule already has changes nothing. */
  async changeStatus(brand: AuthenticatedBrand, id: string, status: RuleStatus): Promise<RuleView> {
    return this.changeRules(brand.id, async (em) => {
      const rule = await this.existingRule(em, brand.id, id, true);
      if (rule.status === status) {
        return toRuleView(rule);
      }
      if (rule.status === 'archived') {
        throw RuleErrors.archived(id);
      }
      return toRuleView(await this.writeVersion(em, rule, { ...rule.definition, status }, actorOf(brand)));
    });
  }

  async listVersions(
    brandId: string,
    id: string,
    query: { cursor?: string; limit?: number },
  ): Promise<RuleVersionPage> {
    const before = query.cursor === undefined ? null : Number(query.cursor);
    if (before !== null && !(Number.isInteger(before) && before > 0 && before <= MAX_INT4)) {
      throw validationFailed([{ path: 'cursor', message: 'must be a nextCursor from a previous page' }]);
    }
    const limit = query.limit ?? DEFAULT_PAGE;
    const em = this.db.manager;
    await this.existingRule(em, brandId, id);
    const rows = await this.rules.listVersions(em, brandId, id, before, limit + 1);
    const data = rows.slice(0, limit).map(toRuleVersionView);
    return { data, nextCursor: rows.length > limit ? String(data[data.length - 1].version) : null };
  }

  async getVersion(brandId: string, id: string, version: number): Promise<RuleVersionView> {
    const em = this.db.manager;
    await this.existingRule(em, brandId, id);
    const found = await this.rules.findVersion(em, brandId, id, version);
    if (!found) {
      throw RuleErrors.versionNotFound(id, version);
    }
    return toRuleVersionView(found);
  }

  /**
   * The loyalty-loop starter rules, fitted to the brand's stages. Idempotent by name: a
   * template rule whose name the brand already uses (in any status) is skipped.
   */
  async applyLoyaltyLoopTemplate(
    brandId: string,
    stages: readonly JourneyStage[],
    actor: string,
  ): Promise<TemplateResult> {
    const definitions = loyaltyLoopFor(stages.map((s) => s.key)).map((rule) =>
      validDefinition(rule, { stages, settings: {} }),
    );
    return this.changeRules(brandId, async (em) => {
      await this.rules.lockBrandRules(em, brandId);
      const names = await this.rules.ruleNames(em, brandId);
      const created: RuleView[] = [];
      const skipped: string[] = [];
      for (const definition of definitions) {
        if (names.has(definition.name)) {
          skipped.push(definition.name);
        } else {
          created.push(toRuleView(await this.insertRule(em, brandId, definition, actor)));
        }
      }
      if (created.length > 0) {
        await this.brands.bumpRulesVersion(em, brandId);
      }
      return { created, skipped };
    });
  }

  private async insertRule(
    em: EntityManager,
    brandId: string,
    definition: RuleDefinition,
    actor: string,
  ): Promise<Rule> {
    const rule = await this.rules.insertRule(em, brandId, newId(), definition);
    await this.rules.insertVersion(em, rule, actor);
    return rule;
  }

  private async writeVersion(em: EntityManager, rule: Rule, definition: RuleDefinition, actor: string): Promise<Rule> {
    const updated = await this.rules.updateRule(em, rule, rule.version + 1, definition);
    await this.rules.insertVersion(em, updated, actor);
    await this.brands.bumpRulesVersion(em, rule.brandId);
    return updated;
  }

  private async existingRule(em: EntityManager, brandId: string, id: string, lock = false): Promise<Rule> {
    const rule = await this.rules.findRule(em, brandId, id, lock);
    if (!rule) {
      throw RuleErrors.notFound(id);
    }
    return rule;
  }
}

/** The engine's validator is the only one: its faults carry JSON paths such as `conditions.all[0].op`. */
function validDefinition(
  body: unknown,
  brand: { stages: readonly JourneyStage[]; settings: Parameters<typeof enabledChain>[0] },
): RuleDefinition {
  const result = validateRule(body, { stages: brand.stages.map((s) => s.key) });
  if (!result.ok) {
    throw validationFailed(result.errors);
  }
  // tokens are optional per brand: a token reward needs the brand's chain switched on
  if (result.rule.reward.token && !enabledChain(brand.settings)) {
    throw validationFailed([{ path: 'reward.token', message: "needs the brand's chain enabled (settings.chain)" }]);
  }
  return result.rule;
}

function actorOf(brand: AuthenticatedBrand): string {
  return `key:${brand.keyId}`;
}
