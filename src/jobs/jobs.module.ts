import { Module } from '@nestjs/common';
import { ChainModule } from '../chain/chain.module.js';
import { EventsModule } from '../events/events.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { MembersModule } from '../members/members.module.js';
import { AdminJobsController } from './admin-jobs.controller.js';
import { Clock, SystemClock } from './clock.js';
import { JobBrandsRepository } from './job-brands.repository.js';
import { JobRunner } from './job-runner.js';
import { JobRunsRepository } from './job-runs.repository.js';
import { JobsScheduler } from './jobs.scheduler.js';
import { JobsService } from './jobs.service.js';
import { MaturePointsJob } from './mature-points.job.js';
import { TierChangesRepository } from '../tiers/tier-changes.repository.js';
import { ExpirePointsJob } from './expire-points.job.js';
import { RecalculateTiersJob } from './recalculate-tiers.job.js';
import { RetentionScanJob } from './retention-scan.job.js';
import { RetentionRepository } from './retention.repository.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { AnalyticsModule } from '../analytics/analytics.module.js';

/** Scheduled jobs (DESIGN §6): maturing pending points, the retention scan; run records and the operator's routes. */
@Module({
  imports: [MembersModule, EventsModule, LedgerModule, WebhooksModule, ChainModule, AnalyticsModule],
  controllers: [AdminJobsController],
  providers: [
    { provide: Clock, useClass: SystemClock },
    JobRunner,
    JobsService,
    JobsScheduler,
    JobRunsRepository,
    JobBrandsRepository,
    RetentionRepository,
    MaturePointsJob,
    RetentionScanJob,
    RecalculateTiersJob,
    ExpirePointsJob,
    TierChangesRepository,
  ],
  exports: [JobsService, Clock],
})
export class JobsModule {}
