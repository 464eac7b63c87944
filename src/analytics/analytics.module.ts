import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { JourneyModule } from '../journey/journey.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { MembersModule } from '../members/members.module.js';
import { ReferralAttributionModule } from '../referrals/referral-attribution.module.js';
import { AnalyticsController } from './analytics.controller.js';
import { AnalyticsRepository } from './analytics.repository.js';
import { AnalyticsService } from './analytics.service.js';
import { DemoHistoryService } from './demo-history.service.js';
import { HistorySeedRepository } from './history-seed.repository.js';
import { AnalyticsRollupJob } from './analytics-rollup.job.js';
import { AnalyticsRollupRepository } from './analytics-rollup.repository.js';
import { JobBrandsRepository } from '../jobs/job-brands.repository.js';

@Module({
  // the history seed writes each table through its owner's repository
  imports: [EventsModule, JourneyModule, LedgerModule, MembersModule, ReferralAttributionModule],
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
