import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BrandKeyCache } from '../brands/brand-key.cache.js';
import { BrandsRepository } from '../brands/brands.repository.js';
import { toBrandView } from '../brands/dto/brand.view.js';
import type { BrandView } from '../brands/dto/brand.dto.js';
import { BrandErrors } from '../brands/brand-errors.js';
import { type FieldError, validationFailed } from '../common/errors/domain-error.js';
import { newId } from '../common/ids.js';
import { inTransaction } from '../database/transaction.js';
import type { ReplaceStagesDto } from './dto/stages.dto.js';
import { JourneyErrors } from './journey-errors.js';
import { StageChangesRepository } from './stage-changes.repository.js';
import { StageUsageRepository } from './stage-usage.repository.js';
import { MembersRepository } from '../members/members.repository.js';

@Injectable()
export class StagesService {
  constructor(
    private readonly db: DataSource,
    private readonly brands: BrandsRepository,
    private readonly usage: StageUsageRepository,
    private readonly stageChanges: StageChangesRepository,
    private readonly members: MembersRepository,
    private readonly keys: BrandKeyCache,
  ) {}

  /**
   * Replaces the brand's journey. A stage that members are in may go only with a mapping
   * (its members move, and the move is in their history); one that live rules or rewards name may not go.
   */
  async replace(brandId: string, dto: ReplaceStagesDto): Promise<BrandView> {
    const keys = dto.stages.map((s) => s.key);
    const faults: FieldError[] = [];
    keys.forEach(
      (k, i) => keys.indexOf(k) !== i && faults.push({ path: `stages[${i}].key`, message: `duplicates ${k}` }),
    );
    const mapping = dto.mapping ?? {};
    for (const [from, to] of Object.entries(mapping)) {
      if (typeof to !== 'string' || !keys.includes(to)) {
        faults.push({ path: `mapping.${from}`, message: 'must name one of the new stages' });
      }
    }
    if (faults.length) {
      throw validationFailed(faults);
    }

    const view = await inTransaction(this.db, async (em) => {
      const brand = await this.brands.lockBrand(em, brandId);
      if (!brand) {
        throw BrandErrors.notFound();
      }
      const removed = brand.stages.map((s) => s.key).filter((k) => !keys.includes(k));
      for (const from of Object.keys(mapping)) {
        if (!removed.includes(from)) {
          faults.push({ path: `mapping.${from}`, message: 'is not a stage being removed' });
        }
      }
      if (faults.length) {
        throw validationFailed(faults);
      }
      const rules = await this.usage.rulesNaming(em, brandId, removed);
      if (rules.length) {
        throw JourneyErrors.usedByRules(removed, rules);
      }
      const rewards = await this.usage.rewardsNaming(em, brandId, removed);
      if (rewards.length) {
        throw JourneyErrors.usedByRewards(removed, rewards);
      }
      const inUse = await this.usage.membersIn(em, brandId, removed);
      const unmapped = [...inUse.keys()].filter((k) => !mapping[k]);
      if (unmapped.length) {
        throw JourneyErrors.inUse(
          unmapped,
          unmapped.map((k) => ({ stage: k, members: inUse.get(k) })),
        );
      }
      for (const [from, to] of Object.entries(mapping)) {
        const moved = await this.members.moveStage(em, brandId, from, to);
        await this.stageChanges.insert(
          em,
          brandId,
          moved.map((memberId) => ({
            id: newId(),
            memberId,
            from,
            to,
            eventId: null,
            ruleId: null,
            cause: 'stages_replaced',
          })),
        );
      }
      const stages = dto.stages.map((s) => ({ key: s.key, name: s.name }));
      await this.brands.updateBrand(em, brandId, { stages });
      return toBrandView({ ...brand, stages });
    });
    this.keys.forgetBrand(brandId); // committed: this instance's next request reads the new row
    return view;
  }
}
