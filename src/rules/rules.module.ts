import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RuleSetCache } from './rule-set.cache.js';
import { RuleVersion } from './rule-version.entity.js';
import { Rule } from './rule.entity.js';
import { RulesController } from './rules.controller.js';
import { RulesRepository } from './rules.repository.js';
import { RulesService } from './rules.service.js';

/** Exports the cache for the events pipeline and the service for the Demo brand's first run. */
@Module({
  imports: [TypeOrmModule.forFeature([Rule, RuleVersion])],
  controllers: [RulesController],
  providers: [RulesRepository, RulesService, RuleSetCache],
  exports: [RulesService, RuleSetCache],
})
export class RulesModule {}
