import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { mergeSettings } from '../brands/brand-settings.js';
import { BrandKeyCache } from '../brands/brand-key.cache.js';
import { BrandsRepository } from '../brands/brands.repository.js';
import { toBrandView } from '../brands/dto/brand.view.js';
import type { BrandView } from '../brands/dto/brand.dto.js';
import { BrandErrors } from '../brands/brand-errors.js';
import { type FieldError, validationFailed } from '../common/errors/domain-error.js';
import { inTransaction } from '../database/transaction.js';
import type { TierLadderDto } from './dto/tiers.dto.js';

@Injectable()
export class TiersService {
  constructor(
    private readonly db: DataSource,
    private readonly brands: BrandsRepository,
    private readonly keys: BrandKeyCache,
  ) {}

  /**
   * Replaces the brand's tier ladder. Members move up at their next event (inside its
   * transaction) and down when the nightly recalculation finds them under their threshold.
   */
  async replace(brandId: string, dto: TierLadderDto): Promise<BrandView> {
    const faults: FieldError[] = [];
    dto.tiers.forEach((t, i) => {
      if (dto.tiers.findIndex((o) => o.key === t.key) !== i) {
        faults.push({ path: `tiers[${i}].key`, message: `duplicates ${t.key}` });
      }
      if (i > 0 && t.threshold <= dto.tiers[i - 1].threshold) {
        faults.push({ path: `tiers[${i}].threshold`, message: 'must be greater than the tier before' });
      }
    });
    if (faults.length) {
      throw validationFailed(faults);
    }
    const view = await inTransaction(this.db, async (em) => {
      const brand = await this.brands.lockBrand(em, brandId);
      if (!brand) {
        throw BrandErrors.notFound();
      }
      const ladder = {
        windowDays: dto.windowDays ?? null,
        tiers: dto.tiers.map((t) => ({ key: t.key, name: t.name, threshold: t.threshold, multiplier: t.multiplier })),
      };
      const settings = mergeSettings(brand.settings, { tiers: ladder });
      await this.brands.updateBrand(em, brandId, { settings });
      return toBrandView({ ...brand, settings });
    });
    this.keys.forgetBrand(brandId); // committed: this instance's next request reads the new row
    return view;
  }
}
