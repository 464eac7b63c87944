import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { idCursor, type Page, toPage } from '../common/http/pagination.js';
import type { JobRunListQuery, JobRunView } from './dto/job-run.dto.js';
import { toJobRunView } from './dto/job-run.view.js';
import type { Job } from './job.js';
import { JobErrors } from './job-errors.js';
import { JobRunner } from './job-runner.js';
import { JobRunsRepository } from './job-runs.repository.js';
import { MaturePointsJob } from './mature-points.job.js';
import { ExpirePointsJob } from './expire-points.job.js';
import { RecalculateTiersJob } from './recalculate-tiers.job.js';
import { RetentionScanJob } from './retention-scan.job.js';
import { DeliverWebhooksJob } from '../webhooks/deliver-webhooks.job.js';
import { MintTokensJob } from '../chain/mint-tokens.job.js';
import { AnalyticsRollupJob } from '../analytics/analytics-rollup.job.js';

const DEFAULT_PAGE = 50;

/** The jobs by name: run one now (the scheduler, the operator), list what runs did. */
@Injectable()
export class JobsService {
  private readonly jobs: Map<string, Job>;

  constructor(
    private readonly db: DataSource,
    private readonly runner: JobRunner,
    private readonly runs: JobRunsRepository,
    maturePoints: MaturePointsJob,
    retentionScan: RetentionScanJob,
    recalculateTiers: RecalculateTiersJob,
    expirePoints: ExpirePointsJob,
    deliverWebhooks: DeliverWebhooksJob,
    mintTokens: MintTokensJob,
    analyticsRollup: AnalyticsRollupJob,
  ) {
    this.jobs = new Map<string, Job>(
      [maturePoints, expirePoints, retentionScan, recalculateTiers, deliverWebhooks, mintTokens, analyticsRollup].map(
        (job) => [job.name, job],
      ),
    );
  }

  /** Runs a job now, as if at `asOf` when given (default: the clock); answers its run record. */
  async run(name: string, asOf?: Date): Promise<JobRunView> {
    const job = this.jobs.get(name);
    if (!job) {
      throw JobErrors.notFound(name, [...this.jobs.keys()]);
    }
    return toJobRunView(await this.runner.run(job, asOf));
  }

  async list(q: JobRunListQuery): Promise<Page<JobRunView>> {
    const limit = q.limit ?? DEFAULT_PAGE;
    const rows = await this.runs.list(this.db.manager, { name: q.name, cursor: idCursor(q.cursor), limit });
    const page = toPage(rows, limit);
    return { data: page.data.map(toJobRunView), nextCursor: page.nextCursor };
  }
}
