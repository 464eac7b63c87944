import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller.js';
import { AnalyticsRepository } from './analytics.repository.js';
import { AnalyticsService } from './analytics.service.js';
import { DemoHistoryService } from './demo-history.service.js';
import { HistorySeedRepository } from './history-seed.repository.js';
import { AnalyticsRollupJob } from './analytics-rollup.job.js';
import { AnalyticsRollupRepository } from './analytics-rollup.repository.js';
import { JobBrandsRepository } from '../jobs/job-brands.repository.js';

@Module({
  controllers: [AnalyticsController],
  providers: [
    AnalyticsRepository,
    AnalyticsService,
    HistorySeedRepository,
    DemoHistoryService,
    AnalyticsRollupRepository,
    AnalyticsRollupJob,
    JobBrandsRepository,
  ],
  exports: [HistorySeedRepository, DemoHistoryService, AnalyticsRollupJob],
})
export class AnalyticsModule {}
