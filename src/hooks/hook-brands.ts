import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { BrandErrors } from '../brands/brand-errors.js';
import { withDefaults } from '../brands/brand-settings.js';
import { BrandsRepository } from '../brands/brands.repository.js';
import { isUuid } from '../common/ids.js';

/** The brand a hook URL names, as a request's key would have resolved it (hooks carry no API key). */
@Injectable()
export class HookBrands {
  constructor(
    private readonly db: DataSource,
    private readonly brands: BrandsRepository,
  ) {}

  async find(brandId: string): Promise<AuthenticatedBrand> {
    const brand = isUuid(brandId) ? await this.brands.findBrand(this.db.manager, brandId.toLowerCase()) : null;
    if (!brand) {
      throw BrandErrors.notFound();
    }
    return {
      id: brand.id,
      name: brand.name,
      settings: withDefaults(brand.settings),
      stages: brand.stages,
      rulesVersion: brand.rulesVersion,
      keyId: 'hook',
    };
  }
}
