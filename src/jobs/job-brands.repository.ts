import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { type BrandSettings, withDefaults } from '../brands/brand-settings.js';
import { queryRows } from '../database/query-rows.js';
import type { JourneyStage } from '../journey/stages.js';

/** The brand as a job acts for it: what a request's key would have resolved, with no key. */
export type JobBrand = AuthenticatedBrand;

/** Every brand, a page at a time, for jobs that visit them all. */
@Injectable()
export class JobBrandsRepository {
  /** Brands in id order after `afterId` (null: from the first). */
  async page(em: EntityManager, afterId: string | null, limit: number): Promise<JobBrand[]> {
    const rows = await queryRows(
      em,
      `SELECT id, name, settings, stages, rules_version FROM brands
        WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map((r) => ({
      id: r.id as string,
      name: r.name as string,
      settings: withDefaults(r.settings as Partial<BrandSettings>),
      stages: r.stages as JourneyStage[],
      rulesVersion: Number(r.rules_version),
      keyId: 'scheduler',
    }));
  }
}
