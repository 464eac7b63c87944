import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminBrandsController } from './admin-brands.controller.js';
import { ApiKey } from './api-key.entity.js';
import { BrandController } from './brand.controller.js';
import { BrandKeyCache } from './brand-key.cache.js';
import { BrandKeyGuard } from './brand-key.guard.js';
import { Brand } from './brand.entity.js';
import { BrandsRepository } from './brands.repository.js';
import { BrandsService } from './brands.service.js';

/** Global: every feature's controllers authenticate brands with its guard. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Brand, ApiKey])],
  controllers: [BrandController, AdminBrandsController],
  providers: [BrandsRepository, BrandsService, BrandKeyGuard, BrandKeyCache],
  exports: [BrandsService, BrandsRepository, BrandKeyGuard, BrandKeyCache],
})
export class BrandsModule {}
